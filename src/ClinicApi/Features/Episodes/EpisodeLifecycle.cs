using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Episodes;

public static class GetEpisode
{
    public static async Task<Results<Ok<EpisodeResponse>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, HttpResponse response, CancellationToken ct)
    {
        var found = await db.Episodes.AsNoTracking().Where(e => e.Id == id)
            .Join(db.Arms, e => e.ArmId, a => a.Id, (e, a) => new { Episode = e, Arm = a })
            .FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return Problems.NotFound("episode", id);
        }

        var attended = await db.Sessions.AttendedByEpisodeAsync([id], ct);
        ETags.Set(response, found.Episode);
        return TypedResults.Ok(EpisodeResponse.From(found.Episode, found.Arm, attended.GetValueOrDefault(id)));
    }
}

/// <summary><c>GET /patients/{id}/episodes</c>: the patient's whole history of arms, newest first.</summary>
public static class ListPatientEpisodes
{
    public const int Max = 100;

    public static async Task<Results<Ok<List<EpisodeResponse>>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, CancellationToken ct)
    {
        if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
        {
            return Problems.NotFound("patient", id);
        }

        var rows = await db.Episodes.AsNoTracking().Where(e => e.PatientId == id)
            .Join(db.Arms, e => e.ArmId, a => a.Id, (e, a) => new { Episode = e, Arm = a })
            .OrderByDescending(x => x.Episode.StartDate).ThenByDescending(x => x.Episode.Id)
            .Take(Max).ToListAsync(ct);
        var attended = await db.Sessions.AttendedByEpisodeAsync(rows.Select(x => x.Episode.Id).ToList(), ct);
        return TypedResults.Ok(rows.Select(x => EpisodeResponse.From(x.Episode, x.Arm, attended.GetValueOrDefault(x.Episode.Id))).ToList());
    }
}

/// <summary>
/// <c>POST /episodes/{id}/complete</c>, <c>/discontinue</c> and <c>/change-arm</c> (If-Match): an active episode
/// ends once. Changing arm discontinues it and starts a new episode pointing back at it, in one transaction.
/// </summary>
public static class EndEpisode
{
    public sealed record CompleteRequest(DateOnly? EndDate);

    public sealed record DiscontinueRequest(DateOnly? EndDate, string? Reason);

    public sealed record ChangeArmRequest(Guid? ArmId, Guid? PrimaryTherapistId, DateOnly? StartDate, string? Reason, string? CompetencyOverrideReason);

    public sealed class CompleteValidator : AbstractValidator<CompleteRequest>
    {
        public CompleteValidator(ClinicClock clock) =>
            RuleFor(r => r.EndDate).NotNull().Must(d => d <= clock.Today).WithMessage("endDate cannot be in the future.");
    }

    public sealed class DiscontinueValidator : AbstractValidator<DiscontinueRequest>
    {
        public DiscontinueValidator(ClinicClock clock)
        {
            RuleFor(r => r.EndDate).NotNull().Must(d => d <= clock.Today).WithMessage("endDate cannot be in the future.");
            RuleFor(r => r.Reason).NotEmpty().FitsColumn((Episode e) => e.DiscontinuationReason);
        }
    }

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

    public static Task<Results<Ok<EpisodeResponse>, ProblemHttpResult>> CompleteAsync(
        Guid id, CompleteRequest request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Episode> logger, CancellationToken ct) =>
        EndAsync(id, EpisodeStatus.Completed, request.EndDate!.Value, null, db, clock, http, logger, ct);

    public static Task<Results<Ok<EpisodeResponse>, ProblemHttpResult>> DiscontinueAsync(
        Guid id, DiscontinueRequest request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Episode> logger, CancellationToken ct) =>
        EndAsync(id, EpisodeStatus.Discontinued, request.EndDate!.Value, request.Reason!.Trim(), db, clock, http, logger, ct);

    private static async Task<Results<Ok<EpisodeResponse>, ProblemHttpResult>> EndAsync(
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

    public static async Task<Results<Created<EpisodeResponse>, ProblemHttpResult>> ChangeArmAsync(
        Guid id, ChangeArmRequest request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Episode> logger, CancellationToken ct)
    {
        var (episode, problem) = await LoadActiveAsync(id, db, http.Request, ct);
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
        Close(episode, EpisodeStatus.Discontinued, startDate, $"Changed arm: {request.Reason!.Trim()}", clock.UtcNow);
        try
        {
            // First free the patient's single active slot, then take it with the new episode.
            await db.SaveChangesAsync(ct);
            var start = await EnrolPatient.StartAsync(db, patient, request.ArmId!.Value, request.PrimaryTherapistId ?? episode.PrimaryTherapistId,
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
            return EnrolPatient.AlreadyActive();
        }
    }

    private static void Close(Episode episode, EpisodeStatus status, DateOnly endDate, string? reason, DateTime now)
    {
        episode.Status = status;
        episode.EndDate = endDate;
        episode.DiscontinuationReason = reason;
        episode.UpdatedAt = now;
    }

    private static async Task<(Episode? Episode, ProblemHttpResult? Problem)> LoadActiveAsync(Guid id, ClinicDbContext db, HttpRequest request, CancellationToken ct)
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

public static class EpisodesEndpoints
{
    public static void MapEpisodes(this IEndpointRouteBuilder api)
    {
        var read = api.MapGroup("").WithTags("Episodes of care").RequireAuthorization(Policies.PatientRecords);
        read.MapGet("/episodes/{id:guid}", GetEpisode.HandleAsync).WithName("GetEpisode")
            .WithSummary("Get an episode of care with its warnings and progress").ProducesProblem(StatusCodes.Status404NotFound);
        read.MapGet("/patients/{id:guid}/episodes", ListPatientEpisodes.HandleAsync).WithName("ListPatientEpisodes")
            .WithSummary("A patient's episodes of care, newest first (history of arms)").ProducesProblem(StatusCodes.Status404NotFound);

        var clinical = api.MapGroup("/episodes").WithTags("Episodes of care").RequireAuthorization(Policies.Clinical);
        clinical.MapPost("", EnrolPatient.HandleAsync).WithName("EnrolPatient")
            .WithSummary("Enrol a patient in a treatment arm (eligibility warnings in the response)")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clinical.MapPost("/{id:guid}/complete", EndEpisode.CompleteAsync).WithName("CompleteEpisode")
            .WithSummary("Complete an active episode (If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clinical.MapPost("/{id:guid}/discontinue", EndEpisode.DiscontinueAsync).WithName("DiscontinueEpisode")
            .WithSummary("Discontinue an active episode with a reason (If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clinical.MapPost("/{id:guid}/change-arm", EndEpisode.ChangeArmAsync).WithName("ChangeEpisodeArm")
            .WithSummary("Move the patient to another arm: discontinues this episode and starts a new one (If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
