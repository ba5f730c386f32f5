using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Episodes;

/// <summary>What enrolling, ending and changing an episode share: one active episode per patient, and how one starts and ends.</summary>
internal static class EpisodeRules
{
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

    internal static async Task<Results<Ok<EpisodeResponse>, ProblemHttpResult>> EndAsync(
        Guid id, EpisodeStatus status, DateOnly endDate, string? reason, ClinicDbContext db, ClinicClock clock, HttpContext http,
        ILogger<Episode> logger, CancellationToken ct)
    {
        var (episode, problem) = await LoadActiveAsync(id, db, http.Request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (endDate < episode!.StartDate)
        {
            return Problems.Unprocessable($"endDate {endDate:yyyy-MM-dd} is before the episode's start {episode.StartDate:yyyy-MM-dd}.");
        }

        Close(episode, status, endDate, reason, clock.UtcNow);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }

        logger.LogInformation("Episode {EpisodeId} is now {Status}", episode.Id, episode.Status);
        var arm = await db.Arms.AsNoTracking().FirstAsync(a => a.Id == episode.ArmId, ct);
        var attended = await db.Sessions.AttendedByEpisodeAsync([episode.Id], ct);
        ETags.Set(http.Response, episode);
        return TypedResults.Ok(EpisodeResponse.From(episode, arm, attended.GetValueOrDefault(episode.Id)));
    }

    internal static void Close(Episode episode, EpisodeStatus status, DateOnly endDate, string? reason, DateTime now)
    {
        episode.Status = status;
        episode.EndDate = endDate;
        episode.DiscontinuationReason = reason;
        episode.UpdatedAt = now;
    }

    internal static async Task<(Episode? Episode, ProblemHttpResult? Problem)> LoadActiveAsync(Guid id, ClinicDbContext db, HttpRequest request, CancellationToken ct)
    {
        var loaded = await db.Episodes.ForUpdateAsync(id, "episode", request, ct);
        if (!loaded.Found)
        {
            return (loaded.Row, loaded.Problem);
        }

        var episode = loaded.Row;
        return episode.Status != EpisodeStatus.Active
            ? (episode, Problems.Conflict($"The episode is already {KebabEnum.Name(episode.Status)}."))
            : (episode, null);
    }
}
