using System.Globalization;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Scheduling;

public sealed record SeriesResponse(Guid SeriesId, IReadOnlyList<SessionResponse> Created, IReadOnlyList<SlotConflict> Skipped);

/// <summary>
/// <c>POST /episodes/{id}/series</c>: the arm's whole protocol (e.g. Monday and Thursday 09:00 for 6 weeks) in one
/// request. Session kinds follow the arm's kinds in turn (physiotherapy, then CBT, ...). Times are the clinic's
/// local time: 09:00 stays 09:00 across a daylight-saving change. All-or-nothing by default: any conflict is a
/// 409 listing every one and nothing is created; with <c>skipConflicts</c> the free ones are created and the
/// rest returned as skipped. The sessions are written in one transaction either way.
/// </summary>
public static class CreateSeries
{
    private const string Operation = "create-series";

    public sealed record Request(
        IReadOnlyList<DayOfWeek>? Weekdays, string? StartTime, DateOnly? FirstDate, int? Weeks, int? DurationMinutes,
        Guid? TherapistId, bool? SkipConflicts);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Weekdays).NotEmpty().Must(w => w is null || (w.Count <= 7 && w.Distinct().Count() == w.Count))
                .WithMessage("weekdays must list different days.");
            RuleForEach(r => r.Weekdays).IsInEnum();
            RuleFor(r => r.StartTime).NotEmpty()
                .Must(t => TimeOnly.TryParseExact(t, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                .WithMessage("startTime is a local time such as 09:00.");
            RuleFor(r => r.Weeks).InclusiveBetween(1, 52);
            RuleFor(r => r.DurationMinutes).InclusiveBetween(BookingRules.MinDuration, BookingRules.MaxDuration);
        }
    }

    /// <summary>How often a series with skipConflicts is tried again after a booking took one of its dates meanwhile.</summary>
    public const int MaxAttempts = 5;

    public static async Task<Results<Created<SeriesResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Session> logger, CancellationToken ct)
    {
        var (key, keyProblem) = Idempotency.Read(http, Operation + ":" + id, request);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        // On PostgreSQL a single booking can commit between this series' checks and its insert; the database then
        // refuses the whole series. With skipConflicts the documented answer is "the free dates, the rest skipped",
        // so check again (the booking is now visible and is skipped) instead of answering 409.
        for (var attempt = 1; ; attempt++)
        {
            var (result, raced) = await AttemptAsync(id, request, key, db, clock, logger, ct);
            if (!raced || request.SkipConflicts != true || attempt == MaxAttempts)
            {
                return result;
            }
        }
    }

    private static async Task<(Results<Created<SeriesResponse>, ProblemHttpResult> Result, bool Raced)> AttemptAsync(
        Guid id, Request request, Idempotency.Key? key, ClinicDbContext db, ClinicClock clock, ILogger<Session> logger, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (key is not null && await Idempotency.ReplayAsync<SeriesResponse>(db, key, ct) is { } replay)
        {
            return (replay, false);
        }

        var episode = await db.Episodes.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct);
        if (episode is null)
        {
            return (Problems.NotFound("episode", id), false);
        }

        if (episode.Status != EpisodeStatus.Active)
        {
            return (Problems.Conflict($"The episode is {KebabEnum.Name(episode.Status)}: a series is created for an active episode."), false);
        }

        var arm = await db.Arms.AsNoTracking().FirstAsync(a => a.Id == episode.ArmId, ct);
        var therapist = await db.Therapists.AsNoTracking().FirstOrDefaultAsync(t => t.Id == (request.TherapistId ?? episode.PrimaryTherapistId), ct);
        if (therapist is null)
        {
            return (Problems.Unprocessable($"No therapist with id {request.TherapistId} exists."), false);
        }

        if (!therapist.IsActive)
        {
            return (Problems.Conflict("The therapist is deactivated."), false);
        }

        var kinds = arm.SessionKinds;
        var missing = kinds.Select(k => BookingRules.MissingCompetency(therapist, k)).OfType<string>().ToList();
        if (missing.Count > 0)
        {
            return (Problems.Conflict(string.Join(" ", missing)), false);
        }

        var time = TimeOnly.ParseExact(request.StartTime!, "HH:mm", CultureInfo.InvariantCulture);
        var firstDate = request.FirstDate ?? (episode.StartDate > clock.Today ? episode.StartDate : clock.Today);
        var plan = SeriesPlan.Plan(firstDate, request.Weekdays!, request.Weeks ?? arm.Weeks, time, arm.SessionKinds, clock);
        var duration = request.DurationMinutes ?? 45;
        var seriesId = Guid.CreateVersion7();
        var created = new List<Session>();
        var skipped = new List<SlotConflict>();
        foreach (var (local, kind, startsAt) in plan)
        {
            if (startsAt is null)
            {
                skipped.Add(new(local, null, "That local time does not exist on this date (daylight-saving change).", 422, null));
                continue;
            }

            var conflict = await BookingRules.CheckAsync(db, clock, therapist.Id, episode.PatientId, startsAt.Value, duration, null, ct);
            if (conflict is not null)
            {
                skipped.Add(conflict);
                continue;
            }

            created.Add(new Session
            {
                PatientId = episode.PatientId,
                TherapistId = therapist.Id,
                EpisodeId = episode.Id,
                Kind = kind,
                StartsAt = startsAt.Value,
                EndsAt = startsAt.Value.AddMinutes(duration),
                DurationMinutes = duration,
                SeriesId = seriesId,
                CreatedAt = clock.UtcNow,
                UpdatedAt = clock.UtcNow,
            });
        }

        if (skipped.Count > 0 && request.SkipConflicts != true)
        {
            if (key is not null && await Idempotency.ReplayAsync<SeriesResponse>(db, key, ct) is { } first)
            {
                return (first, false);
            }

            return (Problems.Conflict($"{skipped.Count} of {created.Count + skipped.Count} sessions cannot be booked; nothing was created.",
                new Dictionary<string, object?> { ["conflicts"] = skipped }), false);
        }

        db.Sessions.AddRange(created);
        var response = new SeriesResponse(seriesId, created.Select(s => SessionResponse.From(s, clock)).ToList(), skipped);
        var location = $"/episodes/{id}/sessions";
        var (refused, firstAnswer) = await Idempotency.CommitAsync(db, transaction, key, location, response, clock.UtcNow, ct);
        if (refused)
        {
            if (firstAnswer is not null)
            {
                return (firstAnswer, false);
            }

            return (Problems.Conflict("Another booking took one of these slots while the series was being created; nothing was created. Retry."), true);
        }

        logger.LogInformation("Created series {SeriesId} of {Count} sessions for episode {EpisodeId} ({Skipped} skipped)",
            seriesId, created.Count, id, skipped.Count);
        return (TypedResults.Created(location, response), false);
    }
}
