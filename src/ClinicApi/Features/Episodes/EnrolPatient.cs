using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Episodes;

/// <summary>
/// <c>POST /episodes</c>: enrols a patient in an arm. One active episode per patient; eligibility warnings come
/// back in the response; a primary therapist without a competency the arm needs is a 409 unless overridden.
/// </summary>
public static class EnrolPatient
{
    public sealed record Request(
        Guid? PatientId, Guid? ArmId, Guid? PrimaryTherapistId, DateOnly? StartDate, string? ReferralReason, string? CompetencyOverrideReason)
        : ICareTeamRequest
    {
        Guid? ICareTeamRequest.CareTherapistId => PrimaryTherapistId;
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(ClinicClock clock)
        {
            RuleFor(r => r.PatientId).NotEmpty();
            RuleFor(r => r.ArmId).NotEmpty();
            RuleFor(r => r.PrimaryTherapistId).NotEmpty();
            RuleFor(r => r.StartDate).NotNull()
                .Must(d => d >= clock.Today.AddYears(-2) && d <= clock.Today.AddYears(1))
                .WithMessage("startDate must be within two years before and one year after today.");
            RuleFor(r => r.ReferralReason).NotEmpty().FitsColumn((Episode e) => e.ReferralReason);
            RuleFor(r => r.CompetencyOverrideReason).FitsColumn((Episode e) => e.CompetencyOverrideReason);
        }
    }

    public static async Task<Results<Created<EpisodeResponse>, ProblemHttpResult>> HandleAsync(
        Request request, ClinicDbContext db, ClinicClock clock, HttpResponse response, ILogger<Episode> logger, CancellationToken ct)
    {
        var patient = await db.Patients.FirstOrDefaultAsync(p => p.Id == request.PatientId, ct);
        if (patient is null)
        {
            return Problems.Unprocessable($"No patient with id {request.PatientId} exists.");
        }

        if (patient.Status == PatientStatus.Archived)
        {
            return Problems.Conflict("The patient is archived: restore the record before enrolling.");
        }

        if (await db.Episodes.AnyAsync(e => e.PatientId == patient.Id && e.Status == EpisodeStatus.Active, ct))
        {
            return AlreadyActive();
        }

        var start = await StartAsync(db, patient, request.ArmId!.Value, request.PrimaryTherapistId!.Value, request.StartDate!.Value,
            request.ReferralReason!, request.CompetencyOverrideReason, previousEpisodeId: null, clock.UtcNow, ct);
        if (start.Problem is not null)
        {
            return start.Problem;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return AlreadyActive();
        }

        logger.LogInformation("Enrolled patient {PatientId} in arm {ArmId} as episode {EpisodeId}", patient.Id, start.Arm!.Id, start.Episode!.Id);
        ETags.Set(response, start.Episode);
        return TypedResults.Created($"/episodes/{start.Episode.Id}", EpisodeResponse.From(start.Episode, start.Arm, 0));
    }

    internal static ProblemHttpResult AlreadyActive() =>
        Problems.Conflict("The patient already has an active episode of care: complete or discontinue it, or change its arm.");

    internal sealed record Start(Episode? Episode, TreatmentArm? Arm, ProblemHttpResult? Problem);

    /// <summary>Checks arm and therapist and adds the new episode to the context; the caller saves.</summary>
    internal static async Task<Start> StartAsync(
        ClinicDbContext db, Patient patient, Guid armId, Guid therapistId, DateOnly startDate, string referralReason,
        string? overrideReason, Guid? previousEpisodeId, DateTime now, CancellationToken ct)
    {
        var arm = await db.Arms.AsNoTracking().FirstOrDefaultAsync(a => a.Id == armId, ct);
        if (arm is null)
        {
            return new(null, null, Problems.Unprocessable($"No treatment arm with id {armId} exists."));
        }

        var therapist = await db.Therapists.AsNoTracking().FirstOrDefaultAsync(t => t.Id == therapistId, ct);
        if (therapist is null)
        {
            return new(null, null, Problems.Unprocessable($"No therapist with id {therapistId} exists."));
        }

        if (!therapist.IsActive)
        {
            return new(null, null, Problems.Conflict("The primary therapist is deactivated."));
        }

        var warnings = Eligibility.Assess(patient, arm, startDate);
        var missing = Eligibility.MissingCompetencies(therapist, arm);
        if (missing.Count > 0)
        {
            var names = string.Join(", ", missing.Select(KebabEnum.Name));
            if (string.IsNullOrWhiteSpace(overrideReason))
            {
                return new(null, null, Problems.Conflict(
                    $"The primary therapist does not hold {names}, which the arm '{arm.Code}' needs. Choose a trained therapist, " +
                    "or enrol with competencyOverrideReason.",
                    new Dictionary<string, object?> { ["missingCompetencies"] = missing.Select(KebabEnum.Name).ToArray() }));
            }

            warnings.Add(new("competency-override", $"The primary therapist does not hold {names}; overridden: {overrideReason.Trim()}"));
        }

        var episode = new Episode
        {
            PatientId = patient.Id,
            ArmId = arm.Id,
            PrimaryTherapistId = therapist.Id,
            StartDate = startDate,
            ReferralReason = referralReason.Trim(),
            CompetencyOverrideReason = missing.Count > 0 ? overrideReason!.Trim() : null,
            EnrolmentWarnings = string.Join('\n', warnings),
            PreviousEpisodeId = previousEpisodeId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Episodes.Add(episode);
        return new(episode, arm, null);
    }
}
