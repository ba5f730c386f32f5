using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.CareTeams;

/// <summary><c>POST /patients/{id}/care-team/{memberId}/end</c>: access ends now; the membership stays in the history.</summary>
public static class EndCareTeamMember
{
    public sealed record Request(string? Reason);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Reason).NotEmpty().FitsColumn((CareTeamMember m) => m.EndReason);
    }

    public static async Task<Results<Ok<CareTeamMemberResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, Guid memberId, Request request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<CareTeamMember> logger, CancellationToken ct)
    {
        var member = await db.CareTeamMembers.FirstOrDefaultAsync(m => m.Id == memberId && m.PatientId == id, ct);
        if (member is null)
        {
            return Problems.NotFound("care-team member", memberId);
        }

        if (CareTeam.IsRestricted(http.User))
        {
            var caller = await CareTeam.TherapistIdAsync(http, db, ct);
            if (caller != member.TherapistId && !await CareTeamRules.ActivePrimary(db, id, caller).AnyAsync(ct))
            {
                return Problems.Forbidden("Only an admin, the patient's primary therapist or the member ends a membership.");
            }
        }

        if (!member.IsActiveOn(clock.Today))
        {
            return Problems.Conflict("The membership has already ended.");
        }

        member.EndedAt = clock.UtcNow;
        member.EndedBy = http.User.FindFirst(AuthSetup.SubjectClaim)?.Value ?? "unknown";
        member.EndReason = request.Reason!.Trim();
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Ended care-team membership {MemberId} of patient {PatientId}", member.Id, id);
        return TypedResults.Ok(CareTeamMemberResponse.From(member, clock.Today));
    }
}
