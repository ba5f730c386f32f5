using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicApi.Features.Therapists;

/// <summary><c>POST /therapists/{id}/deactivate</c> (admin, If-Match).</summary>
public static class DeactivateTherapist
{
    public static Task<Results<Ok<TherapistResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Therapist> logger, CancellationToken ct) =>
        TherapistRules.ChangeActivityAsync(id, false, db, clock, http, logger, ct);
}
