using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.CareTeams;

/// <summary><c>POST /patients/{id}/care-team</c>: an admin or the primary therapist adds a colleague, with a reason.</summary>
public static class AddCareTeamMember
{
    public sealed record Request(Guid? TherapistId, string? Reason, DateOnly? EndsOn);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(ClinicClock clock)
        {
            RuleFor(r => r.TherapistId).NotEmpty();
            RuleFor(r => r.Reason).NotEmpty().FitsColumn((CareTeamMember m) => m.Reason);
            RuleFor(r => r.EndsOn).Must(d => d is null || d >= clock.Today).WithMessage("endsOn is in the past.");
        }
    }

    public static async Task<Results<Created<CareTeamMemberResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<CareTeamMember> logger, CancellationToken ct)
    {
        if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
        {
            return Problems.NotFound("patient", id);
        }

        // A member may not add members: who joins a patient's care is the primary therapist's (or an admin's) decision.
        if (CareTeam.IsRestricted(http.User) &&
            !await CareTeamRules.ActivePrimary(db, id, await CareTeam.TherapistIdAsync(http, db, ct)).AnyAsync(ct))
        {
            return Problems.Forbidden("Only an admin or the patient's primary therapist adds members to the care team.");
        }

        var therapistId = request.TherapistId!.Value;
        var therapist = await db.Therapists.AsNoTracking().FirstOrDefaultAsync(t => t.Id == therapistId, ct);
        if (therapist is null)
        {
            return Problems.Unprocessable($"No therapist with id {therapistId} exists.");
        }

        if (!therapist.IsActive)
        {
            return Problems.Conflict("The therapist is deactivated.");
        }

        // One active membership per therapist and patient: racing adds queue on the patient row (PostgreSQL, SQL
        // Server; SQLite serialises writers anyway), so the second sees the first.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await OwnerLocks.LockAsync<Patient>(db, id, ct);
        var today = clock.Today;
        if (await CareTeamRules.ActivePrimary(db, id, therapistId).AnyAsync(ct) ||
            await db.CareTeamMembers.Where(m => m.PatientId == id && m.TherapistId == therapistId).AnyAsync(CareTeamMember.ActiveOn(today), ct))
        {
            return Problems.Conflict("The therapist is already in the patient's care team.");
        }

        var member = new CareTeamMember
        {
            PatientId = id,
            TherapistId = therapistId,
            Reason = request.Reason!.Trim(),
            AddedBy = http.User.FindFirst(AuthSetup.SubjectClaim)?.Value ?? "unknown",
            AddedAt = clock.UtcNow,
            EndsOn = request.EndsOn,
        };
        db.CareTeamMembers.Add(member);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Added therapist {TherapistId} to the care team of patient {PatientId} as {MemberId}", therapistId, id, member.Id);
        return TypedResults.Created($"/patients/{id}/care-team", CareTeamMemberResponse.From(member, today));
    }
}
