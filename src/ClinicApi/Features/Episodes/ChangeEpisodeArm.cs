using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Episodes;

// Partial so that each ending of an episode has its own file while its request keeps the schema name the published
// OpenAPI document gives it (EndEpisodeChangeArmRequest).
/// <summary>
/// <c>POST /episodes/{id}/change-arm</c> (If-Match): discontinues the active episode and starts a new one pointing
/// back at it, in one transaction.
/// </summary>
public static partial class EndEpisode
{
    public sealed record ChangeArmRequest(Guid? ArmId, Guid? PrimaryTherapistId, DateOnly? StartDate, string? Reason, string? CompetencyOverrideReason);

    public sealed class ChangeArmValidator : AbstractValidator<ChangeArmRequest>
    {
        public ChangeArmValidator(ClinicClock clock)
        {
            RuleFor(r => r.ArmId).NotEmpty();
            RuleFor(r => r.StartDate).Must(d => d is null || d <= clock.Today.AddYears(1)).WithMessage("startDate is more than a year ahead.");
            RuleFor(r => r.Reason).NotEmpty().FitsColumn((Episode e) => e.DiscontinuationReason);
            RuleFor(r => r.CompetencyOverrideReason).FitsColumn((Episode e) => e.CompetencyOverrideReason);
        }
    }

    public static async Task<Results<Created<EpisodeResponse>, ProblemHttpResult>> ChangeArmAsync(
        Guid id, ChangeArmRequest request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Episode> logger, CancellationToken ct)
    {
        var (episode, problem) = await EpisodeRules.LoadActiveAsync(id, db, http.Request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (request.ArmId == episode!.ArmId)
        {
            return Problems.Conflict("The episode is already in this arm.");
        }

        var startDate = request.StartDate ?? clock.Today;
        if (startDate < episode.StartDate)
        {
            return Problems.Unprocessable($"The new arm cannot start before the current episode's start {episode.StartDate:yyyy-MM-dd}.");
        }

        var patient = await db.Patients.FirstAsync(p => p.Id == episode.PatientId, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        EpisodeRules.Close(episode, EpisodeStatus.Discontinued, startDate, $"Changed arm: {request.Reason!.Trim()}", clock.UtcNow);
        try
        {
            // First free the patient's single active slot, then take it with the new episode.
            await db.SaveChangesAsync(ct);
            var start = await EpisodeRules.StartAsync(db, patient, request.ArmId!.Value, request.PrimaryTherapistId ?? episode.PrimaryTherapistId,
                startDate, episode.ReferralReason, request.CompetencyOverrideReason, episode.Id, clock.UtcNow, ct);
            if (start.Problem is not null)
            {
                return start.Problem;
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            logger.LogInformation("Episode {EpisodeId} changed arm: new episode {NewEpisodeId} in arm {ArmId}", episode.Id, start.Episode!.Id, start.Arm!.Id);
            ETags.Set(http.Response, start.Episode);
            return TypedResults.Created($"/episodes/{start.Episode.Id}", EpisodeResponse.From(start.Episode, start.Arm, 0));
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return EpisodeRules.AlreadyActive();
        }
    }
}
