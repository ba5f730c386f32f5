using ClinicApi.Data;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Measurements;

public sealed record MeasurementResponse(
    Guid Id,
    Guid VersionId,
    int Version,
    MeasurementStatus Status,
    string? Reason,
    Guid PatientId,
    Guid? EpisodeId,
    string Instrument,
    DateTime TakenAt,
    string RecordedBy,
    double Score,
    double? Subscore,
    IReadOnlyList<int?>? Items,
    string? Interpretation,
    double? WeeksSinceEpisodeStart,
    string Timepoint,
    DateTime RecordedAt);

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

/// <summary><c>POST /patients/{id}/measurements</c>: a total or the item answers, scored by the API.</summary>
public static class RecordMeasurement
{
    public sealed record Request(string? Instrument, DateTime? TakenAt, Guid? EpisodeId, double? Score, IReadOnlyList<int?>? Items);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(ClinicClock clock) =>
            RuleFor(r => r).Custom((r, context) =>
            {
                foreach (var (field, message) in MeasurementRules.Problems(r.Instrument, r.TakenAt, r.Score, r.Items, clock.UtcNow))
                {
                    context.AddFailure(field, message);
                }
            });
    }

    public static async Task<Results<Created<MeasurementResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, HttpContext http,
        ILogger<Measurement> logger, CancellationToken ct)
    {
        // One read finds the episode and what places the score in it; whether the patient exists at all is asked
        // only when no episode answered.
        var takenAt = request.TakenAt!.Value.ToUniversalTime();
        var timeline = request.EpisodeId is { } given
            ? await MeasurementRules.EpisodeAsync(db, id, given, ct)
            : await MeasurementRules.EpisodeOnAsync(db, id, DateOnly.FromDateTime(clock.ToLocal(takenAt)), ct);
        if (timeline is null)
        {
            if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
            {
                return Problems.NotFound("patient", id);
            }

            if (request.EpisodeId is { } missing)
            {
                return Problems.Unprocessable($"The patient has no episode with id {missing}.");
            }
        }

        var episodeId = timeline?.EpisodeId;
        var scored = MeasurementRules.Score(request.Instrument!, request.Score, request.Items);
        var measurement = new Measurement
        {
            PatientId = id,
            EpisodeId = episodeId,
            Instrument = request.Instrument!,
            TakenAt = takenAt,
            RecordedBy = MeasurementRules.RecordedBy(http),
            Score = scored.Total,
            Subscore = scored.Subscore,
            Items = Measurement.FormatItems(request.Items),
            Interpretation = scored.Interpretation,
            CreatedAt = clock.UtcNow,
        };
        db.Measurements.Add(measurement);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Recorded measurement {MeasurementId} ({Instrument}) for patient {PatientId}", measurement.Id, measurement.Instrument, id);
        http.Response.Headers.ETag = MeasurementRules.ETag(measurement);
        return TypedResults.Created($"/measurements/{measurement.Id}", MeasurementRules.Response(measurement, timeline, settings, clock));
    }
}

/// <summary><c>GET /patients/{id}/measurements</c>: current versions in time order, keyset-paginated.</summary>
public static class ListMeasurements
{
    public sealed class Query
    {
        public string? Instrument { get; init; }

        public Guid? EpisodeId { get; init; }

        /// <summary>Also list measurements withdrawn as entered in error.</summary>
        public bool? IncludeWithdrawn { get; init; }

        public int? Limit { get; init; }

        public string? Cursor { get; init; }
    }

    public sealed class QueryValidator : AbstractValidator<Query>
    {
        public QueryValidator()
        {
            RuleFor(q => q.Instrument).Must(i => i is null || Instruments.Find(i) is not null).WithMessage("instrument is not a known instrument code.");
            RuleFor(q => q.Limit).InclusiveBetween(1, 1000);
            RuleFor(q => q.Cursor).Must(c => TimeCursor.TryDecode(c, out _)).WithMessage("cursor is not a cursor this list returned.");
        }
    }

    public static async Task<Results<Ok<Page<MeasurementResponse>>, ProblemHttpResult>> HandleAsync(
        Guid id, [AsParameters] Query query, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, CancellationToken ct)
    {
        if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
        {
            return Problems.NotFound("patient", id);
        }

        var limit = Math.Min(query.Limit ?? NameCursor.MaxLimit, NameCursor.MaxLimit);
        var rows = db.Measurements.AsNoTracking().Where(m => m.PatientId == id && !m.Superseded);
        if (query.IncludeWithdrawn != true)
        {
            rows = rows.Where(m => m.Status != MeasurementStatus.EnteredInError);
        }

        if (query.Instrument is { } instrument)
        {
            rows = rows.Where(m => m.Instrument == instrument);
        }

        if (query.EpisodeId is { } episodeId)
        {
            rows = rows.Where(m => m.EpisodeId == episodeId);
        }

        TimeCursor.TryDecode(query.Cursor, out var cursor);
        if (cursor is { } after)
        {
            rows = rows.Where(m => m.TakenAt > after.At || (m.TakenAt == after.At && m.Id > after.Id));
        }

        var page = await rows.OrderBy(m => m.TakenAt).ThenBy(m => m.Id).Take(limit + 1).ToListAsync(ct);
        var timelines = await MeasurementRules.TimelinesAsync(db, page.Select(m => m.EpisodeId), ct);
        var items = page.Take(limit)
            .Select(m => MeasurementRules.Response(m, m.EpisodeId is { } e ? timelines.GetValueOrDefault(e) : null, settings, clock)).ToList();
        var next = page.Count > limit ? new TimeCursor(page[limit - 1].TakenAt, page[limit - 1].Id).Encode() : null;
        return TypedResults.Ok(new Page<MeasurementResponse>(items, next));
    }
}

/// <summary>A position in a list ordered by (instant, id).</summary>
public sealed record TimeCursor(DateTime At, Guid Id)
{
    public string Encode() => System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes($"{At.Ticks}|{Id}"));

    public static bool TryDecode(string? text, out TimeCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        try
        {
            var parts = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(text)).Split('|');
            if (parts.Length == 2 && long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var ticks) &&
                ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks && Guid.TryParse(parts[1], out var id))
            {
                cursor = new TimeCursor(new DateTime(ticks, DateTimeKind.Utc), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
