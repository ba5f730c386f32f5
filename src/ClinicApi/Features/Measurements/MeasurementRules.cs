using ClinicApi.Data;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Measurements;

/// <summary>What the timepoint of a measurement depends on: its episode's start and protocol length.</summary>
public sealed record EpisodeTimeline(Guid EpisodeId, DateOnly StartDate, int ProtocolWeeks);

/// <summary>Scoring and placing measurements, shared by recording, correcting, importing and reading.</summary>
public static class MeasurementRules
{
    /// <summary>
    /// Every problem with one measurement's input, as (JSON field, message): unknown instrument, neither or both
    /// of score and items, items that do not fit the instrument, a total outside its range, a future instant.
    /// </summary>
    public static IEnumerable<(string Field, string Message)> Problems(string? instrumentCode, DateTime? takenAt, double? score, IReadOnlyList<int?>? items, DateTime now)
    {
        var instrument = Instruments.Find(instrumentCode);
        if (instrument is null)
        {
            yield return ("instrument", $"instrument must be one of: {string.Join(", ", Instruments.All.Select(i => i.Code))}.");
        }

        if (takenAt is null)
        {
            yield return ("takenAt", "takenAt is required.");
        }
        else if (takenAt.Value.ToUniversalTime() > now.AddMinutes(5))
        {
            yield return ("takenAt", "takenAt cannot be in the future.");
        }
        else if (takenAt.Value.ToUniversalTime() < new DateTime(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc))
        {
            yield return ("takenAt", "takenAt is implausibly early.");
        }

        if ((score is null) == (items is null))
        {
            yield return ("score", "Send either score (a total) or items (the answers), not both and not neither.");
            yield break;
        }

        if (instrument is null)
        {
            yield break;
        }

        if (items is not null && Instruments.ItemsProblem(instrument, items) is { } itemsProblem)
        {
            yield return ("items", itemsProblem);
        }

        if (score is { } total && Instruments.TotalProblem(instrument, total) is { } totalProblem)
        {
            yield return ("score", totalProblem);
        }
    }

    /// <summary>The total (scored from the items when they were sent), subscale and interpretation.</summary>
    public static InstrumentScore Score(string instrumentCode, double? score, IReadOnlyList<int?>? items)
    {
        var instrument = Instruments.Find(instrumentCode)!;
        return items is not null ? Instruments.Score(instrument, items) : new(score!.Value, null, Instruments.Interpret(instrument, score.Value));
    }

    public static async Task<Dictionary<Guid, EpisodeTimeline>> TimelinesAsync(ClinicDbContext db, IEnumerable<Guid?> episodeIds, CancellationToken ct)
    {
        var ids = episodeIds.OfType<Guid>().Distinct().ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        return await Timelines(db, db.Episodes.AsNoTracking().Where(e => ids.Contains(e.Id))).ToDictionaryAsync(t => t.EpisodeId, ct);
    }

    /// <summary>
    /// The patient's episode a measurement without one belongs to: the latest that started on or before the day
    /// (or up to two weeks after it, for a baseline taken before the first session); with what places it in time.
    /// </summary>
    public static Task<EpisodeTimeline?> EpisodeOnAsync(ClinicDbContext db, Guid patientId, DateOnly takenOn, CancellationToken ct)
    {
        var latestStart = takenOn.AddDays(14);
        return Timelines(db, db.Episodes.AsNoTracking().Where(e => e.PatientId == patientId && e.StartDate <= latestStart)
            .OrderByDescending(e => e.StartDate).ThenByDescending(e => e.Id)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The patient's episode with this id, with what places a measurement in it; null when the patient has no such episode.</summary>
    public static Task<EpisodeTimeline?> EpisodeAsync(ClinicDbContext db, Guid patientId, Guid episodeId, CancellationToken ct) =>
        Timelines(db, db.Episodes.AsNoTracking().Where(e => e.Id == episodeId && e.PatientId == patientId)).FirstOrDefaultAsync(ct);

    /// <summary>Each episode with what places a measurement in it (start date, protocol weeks of its arm).</summary>
    private static IQueryable<EpisodeTimeline> Timelines(ClinicDbContext db, IQueryable<Episode> episodes) =>
        episodes.Join(db.Arms, e => e.ArmId, a => a.Id, (e, a) => new EpisodeTimeline(e.Id, e.StartDate, a.Weeks));

    public static MeasurementResponse Response(Measurement m, EpisodeTimeline? timeline, OutcomeSettings settings, ClinicClock clock)
    {
        var place = timeline is null
            ? new TimepointInfo(null, OutcomeSettings.Unscheduled)
            : settings.Locate(timeline.StartDate, timeline.ProtocolWeeks, DateOnly.FromDateTime(clock.ToLocal(m.TakenAt)));
        return new(m.MeasurementId, m.Id, m.Version, m.Status, m.Reason, m.PatientId, m.EpisodeId, m.Instrument, m.TakenAt, m.RecordedBy,
            m.Score, m.Subscore, Measurement.ParseItems(m.Items), m.Interpretation, place.WeeksSinceEpisodeStart, place.Timepoint, m.CreatedAt);
    }

    public static string ETag(Measurement current) => $"\"{current.Version}\"";

    public static string RecordedBy(HttpContext http) => http.User.FindFirst(AuthSetup.SubjectClaim)?.Value ?? "unknown";
}
