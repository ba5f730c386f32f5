using ClinicApi.Data;
using ClinicApi.Features.Therapists;
using ClinicApi.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Auth;

/// <summary>Who the caller's token says they are; <c>therapist</c> is the record linked to the subject, if any.</summary>
public sealed record MeResponse(string Subject, string Role, TherapistResponse? Therapist);

/// <summary>
/// <c>GET /me</c>: a front end learns its own identity from the API instead of decoding the token, and a therapist's
/// front end finds its therapist id (the off-track worklist and its own calendar need it). Any role may ask.
/// </summary>
public static class GetMe
{
    public static async Task<MeResponse> HandleAsync(HttpContext http, ClinicDbContext db, CancellationToken ct)
    {
        var subject = http.User.FindFirst(AuthSetup.SubjectClaim)?.Value ?? string.Empty;
        var role = http.User.FindFirst(AuthSetup.RoleClaim)?.Value ?? string.Empty;
        var therapist = subject.Length == 0 ? null : await db.Therapists.AsNoTracking().FirstOrDefaultAsync(t => t.UserId == subject, ct);
        return new MeResponse(subject, role, therapist is null ? null : TherapistResponse.From(therapist));
    }
}
