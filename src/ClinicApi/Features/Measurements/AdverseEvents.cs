using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Measurements;

public sealed record AdverseEventResponse(
    Guid Id, Guid EpisodeId, Guid PatientId, DateOnly OccurredOn, AdverseEventSeverity Severity, AdverseEventRelatedness Relatedness,
    AdverseEventCode Code, string? Description, string RecordedBy, DateTime RecordedAt)
{
    public static AdverseEventResponse From(AdverseEvent a) =>
        new(a.Id, a.EpisodeId, a.PatientId, a.OccurredOn, a.Severity, a.Relatedness, a.Code, a.Description, a.RecordedBy, a.CreatedAt);
}

/// <summary><c>/episodes/{id}/adverse-events</c>: record and list an episode's adverse events.</summary>
public static class AdverseEvents
{
    public const int Max = 500;

    public sealed record Request(DateOnly? OccurredOn, AdverseEventSeverity? Severity, AdverseEventRelatedness? Relatedness, AdverseEventCode? Code, string? Description);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(ClinicClock clock)
        {
            RuleFor(r => r.OccurredOn).NotNull().Must(d => d is null || d <= clock.Today).WithMessage("occurredOn cannot be in the future.");
            RuleFor(r => r.Severity).NotNull().IsInEnum();
            RuleFor(r => r.Relatedness).NotNull().IsInEnum();
            RuleFor(r => r.Code).NotNull().IsInEnum();
            // The column's length holds for every code, not only for other (PostgreSQL refuses longer text).
            RuleFor(r => r.Description).FitsColumn((AdverseEvent a) => a.Description);
            RuleFor(r => r.Description).NotEmpty().When(r => r.Code == AdverseEventCode.Other).WithMessage("description is required when code is other.");
        }
    }

    public static async Task<Results<Created<AdverseEventResponse>, ProblemHttpResult>> RecordAsync(
        Guid id, Request request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<AdverseEvent> logger, CancellationToken ct)
    {
        var episode = await db.Episodes.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct);
        if (episode is null)
        {
            return Problems.NotFound("episode", id);
        }

        if (request.OccurredOn < episode.StartDate)
        {
            return Problems.Unprocessable($"occurredOn is before the episode started ({episode.StartDate:yyyy-MM-dd}).");
        }

        var adverseEvent = new AdverseEvent
        {
            EpisodeId = id,
            PatientId = episode.PatientId,
            OccurredOn = request.OccurredOn!.Value,
            Severity = request.Severity!.Value,
            Relatedness = request.Relatedness!.Value,
            Code = request.Code!.Value,
            Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            RecordedBy = MeasurementRules.RecordedBy(http),
            CreatedAt = clock.UtcNow,
        };
        db.AdverseEvents.Add(adverseEvent);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Recorded adverse event {AdverseEventId} ({Severity}) for episode {EpisodeId}", adverseEvent.Id, adverseEvent.Severity, id);
        return TypedResults.Created($"/episodes/{id}/adverse-events/{adverseEvent.Id}", AdverseEventResponse.From(adverseEvent));
    }

    public static async Task<Results<Ok<List<AdverseEventResponse>>, ProblemHttpResult>> ListAsync(Guid id, ClinicDbContext db, CancellationToken ct)
    {
        if (!await db.Episodes.AnyAsync(e => e.Id == id, ct))
        {
            return Problems.NotFound("episode", id);
        }

        var rows = await db.AdverseEvents.AsNoTracking().Where(a => a.EpisodeId == id).OrderBy(a => a.OccurredOn).ThenBy(a => a.Id).Take(Max).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(AdverseEventResponse.From).ToList());
    }
}
