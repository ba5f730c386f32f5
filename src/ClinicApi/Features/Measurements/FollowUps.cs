using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Measurements;

public enum FollowUpStatus
{
    /// <summary>The window is open now.</summary>
    Due,

    /// <summary>The window has closed without the measurement.</summary>
    Overdue,
}

public sealed record OutstandingMeasurement(string Timepoint, string Instrument, DateOnly OpensOn, DateOnly ClosesOn, FollowUpStatus Status);

public sealed record FollowUpEpisode(
    Guid EpisodeId, Guid PatientId, Guid PrimaryTherapistId, EpisodeStatus EpisodeStatus, DateOnly StartDate, IReadOnlyList<OutstandingMeasurement> Outstanding);

/// <summary>
/// <c>GET /follow-ups</c>: for active and recently ended episodes, the timepoint measurements still missing:
/// due (window open) or overdue (window closed). One query for a batch of episodes and one for their
/// measurements; pages are keyed by episode id.
/// </summary>
public static class FollowUps
{
    private const int Batch = 500;

    public sealed class Query
    {
        public Guid? TherapistId { get; init; }

        /// <summary><c>due</c> or <c>overdue</c>; both when absent.</summary>
        [OpenApiValues(typeof(FollowUpStatus))]
        public string? Status { get; init; }

        /// <summary>Episodes per page (default 25, at most 100).</summary>
        public int? Limit { get; init; }

        public Guid? Cursor { get; init; }
    }

    public sealed class QueryValidator : AbstractValidator<Query>
    {
        public QueryValidator()
        {
            RuleFor(q => q.Status).Must(s => s is null || KebabEnum.TryParse<FollowUpStatus>(s, out _)).WithMessage("status is due or overdue.");
            RuleFor(q => q.Limit).InclusiveBetween(1, 1000);
        }
    }

    public static async Task<Ok<Page<FollowUpEpisode>>> HandleAsync(
        [AsParameters] Query query, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, HttpContext http, CancellationToken ct)
    {
        // A therapist's list holds their own episodes only.
        var therapistFilter = CareTeam.IsRestricted(http.User) ? await CareTeam.TherapistIdAsync(http, db, ct) : query.TherapistId;
        var limit = NameCursor.EffectiveLimit(query.Limit);
        var today = clock.Today;
        var endedSince = today.AddDays(-7 * settings.FollowUpWeeksAfterEnd);
        var instruments = settings.FollowUpInstruments.ToList();
        var page = new List<FollowUpEpisode>();
        var after = query.Cursor;
        string? next = null;
        while (page.Count < limit)
        {
            var episodes = db.Episodes.AsNoTracking()
                .Where(e => e.Status == EpisodeStatus.Active || (e.EndDate != null && e.EndDate >= endedSince));
            if (therapistFilter is { } therapistId)
            {
                episodes = episodes.Where(e => e.PrimaryTherapistId == therapistId);
            }

            if (after is { } cursor)
            {
                episodes = episodes.Where(e => e.Id > cursor);
            }

            var batch = await episodes.OrderBy(e => e.Id).Take(Batch)
                .Join(db.Arms, e => e.ArmId, a => a.Id, (e, a) => new { Episode = e, a.Weeks })
                .ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            var ids = batch.Select(b => b.Episode.Id).ToList();
            var taken = (await db.Measurements.AsNoTracking().Current()
                    .Where(m => m.EpisodeId != null && ids.Contains(m.EpisodeId.Value) && instruments.Contains(m.Instrument))
                    .Select(m => new { EpisodeId = m.EpisodeId!.Value, m.Instrument, m.TakenAt }).ToListAsync(ct))
                .ToLookup(m => m.EpisodeId);
            foreach (var item in batch)
            {
                after = item.Episode.Id;
                var episode = item.Episode;
                var measured = taken[episode.Id]
                    .Select(m => (m.Instrument, settings.Locate(episode.StartDate, item.Weeks, DateOnly.FromDateTime(clock.ToLocal(m.TakenAt))).Timepoint))
                    .ToHashSet();
                var outstanding = new List<OutstandingMeasurement>();
                foreach (var window in settings.Timepoints)
                {
                    var target = OutcomeSettings.Target(window, item.Weeks);
                    var opens = episode.StartDate.AddDays((int)Math.Round((target - window.WeeksBefore) * 7));
                    var closes = episode.StartDate.AddDays((int)Math.Round((target + window.WeeksAfter) * 7));
                    if (opens > today)
                    {
                        continue;
                    }

                    var status = closes >= today ? FollowUpStatus.Due : FollowUpStatus.Overdue;
                    if (query.Status is { } wanted && wanted != KebabEnum.Name(status))
                    {
                        continue;
                    }

                    outstanding.AddRange(instruments.Where(i => !measured.Contains((i, window.Code)))
                        .Select(i => new OutstandingMeasurement(window.Code, i, opens, closes, status)));
                }

                if (outstanding.Count > 0)
                {
                    page.Add(new FollowUpEpisode(episode.Id, episode.PatientId, episode.PrimaryTherapistId, episode.Status, episode.StartDate, outstanding));
                    if (page.Count == limit)
                    {
                        next = episode.Id.ToString();
                        break;
                    }
                }
            }

            if (batch.Count < Batch)
            {
                break;
            }
        }

        return TypedResults.Ok(new Page<FollowUpEpisode>(page, next));
    }
}
