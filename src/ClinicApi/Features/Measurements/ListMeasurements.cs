using ClinicApi.Outcomes;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Measurements;

/// <summary><c>GET /patients/{id}/measurements</c>: current versions in time order, keyset-paginated.</summary>
public static class ListMeasurements
{
    public sealed class Query
    {
        [OpenApiValues(typeof(Instruments), nameof(Instruments.Codes))]
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
            RuleFor(q => q.Instrument).KnownInstrument();
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
