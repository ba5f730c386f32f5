using ClinicApi.Data;
using ClinicApi.Features.Episodes;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Studies;

public sealed record AllocationResponse(Guid StudyId, StartBackRisk Stratum, int Sequence, Guid ArmId, string ArmCode);

public sealed record StudyEnrolmentResponse(AllocationResponse Allocation, EpisodeResponse Episode);

/// <summary>
/// <c>POST /studies/{id}/enrolments</c>: allocates the next slot of the patient's STarT Back stratum and enrols the
/// patient in that arm, in one transaction. The slot's uniqueness is guaranteed by the database: a concurrent
/// enrolment that took the same slot makes this one retry with the next. Everything that could refuse the
/// enrolment is checked before allocating, so a refusal never reveals which arm comes next.
/// </summary>
public static class EnrolInStudy
{
    private const int Attempts = 20;

    public sealed record Request(Guid? PatientId, Guid? PrimaryTherapistId, DateOnly? StartDate, string? ReferralReason, string? CompetencyOverrideReason)
        : ICareTeamRequest, IEnrolmentRequest
    {
        Guid? ICareTeamRequest.CareTherapistId => PrimaryTherapistId;
    }

    public sealed class Validator(ClinicClock clock) : EnrolmentValidator<Request>(clock);

    public static async Task<Results<Created<StudyEnrolmentResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Study> logger, CancellationToken ct)
    {
        var study = await db.Studies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (study is null)
        {
            return Problems.NotFound("study", id);
        }

        if (study.Status != StudyStatus.Recruiting)
        {
            return Problems.Conflict("The study is closed to recruitment.");
        }

        var patientId = request.PatientId!.Value;
        var refusal = await RefusalAsync(study, patientId, request, db, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var screening = await db.Measurements.AsNoTracking().Current()
            .Where(m => m.PatientId == patientId && m.Instrument == Instruments.StartBackCode)
            .OrderByDescending(m => m.TakenAt).FirstOrDefaultAsync(ct);
        if (screening is null)
        {
            return Problems.Conflict("Screen the patient with STarT Back first: the study stratifies allocation by risk group.");
        }

        var stratum = KebabEnum.TryParse<StartBackRisk>(screening.Interpretation, out var risk) ? risk
            : throw new InvalidOperationException($"Screening {screening.Id} has no risk group.");
        return await AllocateAsync(study, stratum, screening.Id, request, db, clock, http, logger, ct);
    }

    /// <summary>The write: takes the stratum's next free slot and starts the episode in its arm, retrying on a lost race.</summary>
    private static async Task<Results<Created<StudyEnrolmentResponse>, ProblemHttpResult>> AllocateAsync(
        Study study, StartBackRisk stratum, Guid screeningId, Request request, ClinicDbContext db, ClinicClock clock, HttpContext http,
        ILogger<Study> logger, CancellationToken ct)
    {
        var id = study.Id;
        var patientId = request.PatientId!.Value;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The study row is locked for the rest of the transaction, and its status read again under the lock:
            // a close that committed meanwhile refuses this enrolment (a closed study takes no one), a close that
            // comes after waits for it, and enrolments in one study queue here instead of racing for a sequence.
            await OwnerLocks.LockAsync<Study>(db, id, ct);
            if (await db.Studies.AsNoTracking().Where(s => s.Id == id).Select(s => s.Status).FirstAsync(ct) != StudyStatus.Recruiting)
            {
                return Problems.Conflict("The study is closed to recruitment.");
            }

            var sequence = 1 + (await db.Allocations.Where(a => a.StudyId == id && a.Stratum == stratum).MaxAsync(a => (int?)a.Sequence, ct) ?? 0);
            var armId = study.ArmAt(stratum, sequence);
            var patient = await db.Patients.FirstAsync(p => p.Id == patientId, ct);
            var start = await EpisodeRules.StartAsync(db, patient, armId, request.PrimaryTherapistId!.Value, request.StartDate!.Value,
                request.ReferralReason!, request.CompetencyOverrideReason, previousEpisodeId: null, clock.UtcNow, ct);
            if (start.Problem is not null)
            {
                // Not reachable after RefusalAsync unless the data changed meanwhile; nothing was written.
                return start.Problem;
            }

            db.Allocations.Add(new Allocation
            {
                StudyId = id,
                Stratum = stratum,
                Sequence = sequence,
                ArmId = armId,
                PatientId = patientId,
                EpisodeId = start.Episode!.Id,
                ScreeningId = screeningId,
                AllocatedBy = http.User.FindFirst(AuthSetup.SubjectClaim)?.Value ?? "unknown",
                AllocatedAt = clock.UtcNow,
            });
            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                if (await RefusalAsync(study, patientId, request, db, ct) is { } raced)
                {
                    return raced;
                }

                continue;
            }

            logger.LogInformation("Allocated patient {PatientId} in study {StudyId} ({Stratum} #{Sequence}) as episode {EpisodeId}",
                patientId, id, stratum, sequence, start.Episode.Id);
            ETags.Set(http.Response, start.Episode);
            return TypedResults.Created($"/episodes/{start.Episode.Id}", new StudyEnrolmentResponse(
                new AllocationResponse(id, stratum, sequence, armId, start.Arm!.Code), EpisodeResponse.From(start.Episode, start.Arm, 0)));
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy",
            detail: "Too many enrolments competed for the same allocation slot; retry.");
    }

    /// <summary>Every reason to refuse that does not depend on the allocated arm.</summary>
    private static async Task<ProblemHttpResult?> RefusalAsync(Study study, Guid patientId, Request request, ClinicDbContext db, CancellationToken ct)
    {
        var patient = await db.Patients.AsNoTracking().FirstOrDefaultAsync(p => p.Id == patientId, ct);
        if (patient is null)
        {
            return Problems.Unprocessable($"No patient with id {patientId} exists.");
        }

        if (patient.Status == PatientStatus.Archived)
        {
            return Problems.Conflict("The patient is archived: restore the record before enrolling.");
        }

        if (await db.Allocations.AnyAsync(a => a.StudyId == study.Id && a.PatientId == patientId, ct))
        {
            return Problems.Conflict("The patient has already been allocated in this study.");
        }

        if (await db.Episodes.AnyAsync(e => e.PatientId == patientId && e.Status == EpisodeStatus.Active, ct))
        {
            return EpisodeRules.AlreadyActive();
        }

        var therapist = await db.Therapists.AsNoTracking().FirstOrDefaultAsync(t => t.Id == request.PrimaryTherapistId, ct);
        if (therapist is null)
        {
            return Problems.Unprocessable($"No therapist with id {request.PrimaryTherapistId} exists.");
        }

        if (!therapist.IsActive)
        {
            return Problems.Conflict("The primary therapist is deactivated.");
        }

        // Any arm may come next, so the therapist must be able to lead every compared arm (or be overridden).
        var armIds = study.ArmIds;
        var arms = await db.Arms.AsNoTracking().Where(a => armIds.Contains(a.Id)).ToListAsync(ct);
        var missing = arms.SelectMany(a => Eligibility.MissingCompetencies(therapist, a)).Distinct().ToList();
        return missing.Count > 0 && string.IsNullOrWhiteSpace(request.CompetencyOverrideReason)
            ? Problems.Conflict($"The primary therapist does not hold {string.Join(", ", missing.Select(KebabEnum.Name))}, which an arm of this study needs. " +
                                "Choose a therapist trained for every compared arm, or give competencyOverrideReason.")
            : null;
    }
}
