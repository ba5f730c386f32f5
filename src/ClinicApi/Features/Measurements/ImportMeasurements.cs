using System.Globalization;
using System.Text;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Measurements;

public sealed record ImportResult(int Imported, IReadOnlyDictionary<string, int> ByInstrument);

/// <summary>
/// <c>POST /measurements/import</c> (<c>text/csv</c>): historical measurements from a spreadsheet. Every row is
/// validated (the same rules as one recording) before anything is written; one bad row and nothing is
/// imported, and the 400 lists every bad row's errors keyed <c>rows[line].field</c>. Otherwise all rows are
/// written in one transaction. Lookups are set-based (one query per 500 record numbers), never one per row.
/// </summary>
public static class ImportMeasurements
{
    public const int MaxRows = 50_000;
    public const int MaxReportedErrors = 1_000;
    public static readonly string[] Columns = ["medical_record_number", "instrument", "taken_at", "score", "items", "episode_id"];

    private sealed record Row(int Line, string Mrn, string Instrument, DateTime? TakenAt, double? Score, IReadOnlyList<int?>? Items, Guid? EpisodeId);

    public static async Task<Results<Created<ImportResult>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpRequest request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Measurement> logger, CancellationToken ct)
    {
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), "text/csv", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Send the measurements as text/csv.");
        }

        string text;
        try
        {
            using var reader = new StreamReader(request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true));
            text = await reader.ReadToEndAsync(ct);
        }
        catch (DecoderFallbackException)
        {
            return Problems.BadRequest("body", "The CSV is not valid UTF-8.");
        }

        // The JSON reader refuses NUL in every field; a CSV cell must be refused too (PostgreSQL cannot store it).
        if (text.IndexOf('\0', StringComparison.Ordinal) is var nul and >= 0)
        {
            return Problems.BadRequest($"rows[{text.AsSpan(0, nul).Count('\n') + 1}]", "The line holds a NUL character.");
        }

        var errors = new Dictionary<string, List<string>>();
        var badLines = new HashSet<int>();
        void Error(int line, string field, string message)
        {
            badLines.Add(line);
            if (errors.Count < MaxReportedErrors || errors.ContainsKey($"rows[{line}].{field}"))
            {
                (errors.TryGetValue($"rows[{line}].{field}", out var list) ? list : errors[$"rows[{line}].{field}"] = []).Add(message);
            }
        }

        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = Csv.Split(lines.Count > 0 ? lines[0] : string.Empty).Select(c => c.Trim().ToLowerInvariant()).ToList();
        var missing = Columns[..5].Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0 || header.Any(c => !Columns.Contains(c)))
        {
            return Problems.BadRequest("header", $"The first line names the columns: {string.Join(",", Columns)} (episode_id optional, in any order).");
        }

        var rows = new List<Row>();
        for (var i = 1; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            if (rows.Count == MaxRows)
            {
                return Problems.BadRequest("body", $"An import holds at most {MaxRows} rows; split the file.");
            }

            var line = i + 1;
            var cells = Csv.Split(lines[i]);
            if (cells.Count != header.Count)
            {
                Error(line, "row", $"The row has {cells.Count} cells; the header names {header.Count}.");
                continue;
            }

            string Cell(string column) => header.IndexOf(column) is var index and >= 0 ? cells[index].Trim() : string.Empty;
            rows.Add(ParseRow(line, Cell, clock, Error));
        }

        if (rows.Count == 0 && errors.Count == 0)
        {
            return Problems.BadRequest("body", "The CSV holds no rows.");
        }

        var patients = await PatientsByMrnAsync(db, rows.Select(r => r.Mrn), ct);
        var patientIds = patients.Values.Distinct().ToList();
        var episodes = await EpisodesOfAsync(db, patientIds, ct);
        var measurements = new List<Measurement>(rows.Count);
        var recordedBy = MeasurementRules.RecordedBy(http);
        foreach (var row in rows)
        {
            foreach (var (field, message) in MeasurementRules.Problems(row.Instrument, row.TakenAt, row.Score, row.Items, clock.UtcNow))
            {
                Error(row.Line, Snake(field), message);
            }

            if (!patients.TryGetValue(row.Mrn, out var patientId))
            {
                Error(row.Line, "medical_record_number", $"No patient has medical record number '{row.Mrn}'.");
                continue;
            }

            var patientEpisodes = episodes[patientId].ToList();
            Guid? episodeId = row.EpisodeId;
            if (episodeId is { } given && patientEpisodes.All(e => e.Id != given))
            {
                Error(row.Line, "episode_id", $"The patient has no episode with id {given}.");
                continue;
            }

            if (row.TakenAt is null || badLines.Contains(row.Line))
            {
                continue;
            }

            var takenAt = row.TakenAt.Value;
            var takenOn = DateOnly.FromDateTime(clock.ToLocal(takenAt)).AddDays(14);
            episodeId ??= patientEpisodes.Where(e => e.StartDate <= takenOn).OrderByDescending(e => e.StartDate).ThenByDescending(e => e.Id)
                .Select(e => (Guid?)e.Id).FirstOrDefault();
            var scored = MeasurementRules.Score(row.Instrument, row.Score, row.Items);
            measurements.Add(new Measurement
            {
                PatientId = patientId,
                EpisodeId = episodeId,
                Instrument = row.Instrument,
                TakenAt = takenAt,
                RecordedBy = recordedBy,
                Score = scored.Total,
                Subscore = scored.Subscore,
                Items = Measurement.FormatItems(row.Items),
                Interpretation = scored.Interpretation,
                CreatedAt = clock.UtcNow,
            });
        }

        if (errors.Count > 0)
        {
            logger.LogInformation("Refused a measurement import: {Rows} rows, {Errors} errors", rows.Count, errors.Count);
            return TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
                detail: $"Nothing was imported: {badLines.Count} row(s) have errors.");
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.Measurements.AddRange(measurements);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        logger.LogInformation("Imported {Count} measurements", measurements.Count);
        return TypedResults.Created("/measurements", new ImportResult(measurements.Count,
            measurements.GroupBy(m => m.Instrument).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count())));
    }

    private static Row ParseRow(int line, Func<string, string> cell, ClinicClock clock, Action<int, string, string> error)
    {
        var mrn = cell("medical_record_number");
        if (mrn.Length == 0)
        {
            error(line, "medical_record_number", "medical_record_number is required.");
        }

        DateTime? takenAt = null;
        var takenText = cell("taken_at");
        if (DateTimeOffset.TryParse(takenText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var withOffset) &&
            (takenText.EndsWith('Z') || takenText.Contains('+') || takenText.LastIndexOf('-') > 9))
        {
            takenAt = withOffset.UtcDateTime;
        }
        else if (DateTime.TryParse(takenText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            // No offset: the clinic's wall-clock time, as a spreadsheet would hold it.
            takenAt = clock.ToUtc(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local));
        }

        if (takenAt is null)
        {
            error(line, "taken_at", "taken_at is an ISO 8601 date and time, e.g. 2026-03-02T09:30:00Z or 2026-03-02 09:30 (clinic time).");
        }

        double? score = null;
        var scoreText = cell("score");
        if (scoreText.Length > 0)
        {
            if (double.TryParse(scoreText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                score = value;
            }
            else
            {
                error(line, "score", "score is a number.");
            }
        }

        List<int?>? items = null;
        var itemsText = cell("items");
        if (itemsText.Length > 0)
        {
            items = [];
            foreach (var part in itemsText.Split(';'))
            {
                if (part.Trim().Length == 0)
                {
                    items.Add(null);
                }
                else if (int.TryParse(part.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var answer))
                {
                    items.Add(answer);
                }
                else
                {
                    error(line, "items", "items are whole numbers separated by ';' (leave a place empty for a skipped item).");
                    items = null;
                    break;
                }
            }
        }

        Guid? episodeId = null;
        var episodeText = cell("episode_id");
        if (episodeText.Length > 0)
        {
            if (Guid.TryParse(episodeText, out var parsed))
            {
                episodeId = parsed;
            }
            else
            {
                error(line, "episode_id", "episode_id is a GUID.");
            }
        }

        return new Row(line, mrn, cell("instrument"), takenAt, score, items, episodeId);
    }

    private static async Task<Dictionary<string, Guid>> PatientsByMrnAsync(ClinicDbContext db, IEnumerable<string> mrns, CancellationToken ct)
    {
        var result = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var chunk in mrns.Where(m => m.Length > 0).Distinct().Chunk(500))
        {
            var found = await db.Patients.AsNoTracking().Where(p => chunk.Contains(p.MedicalRecordNumber))
                .Select(p => new { p.MedicalRecordNumber, p.Id }).ToListAsync(ct);
            foreach (var patient in found)
            {
                result[patient.MedicalRecordNumber] = patient.Id;
            }
        }

        return result;
    }

    private static async Task<ILookup<Guid, (Guid Id, DateOnly StartDate)>> EpisodesOfAsync(ClinicDbContext db, List<Guid> patientIds, CancellationToken ct)
    {
        var all = new List<(Guid PatientId, Guid Id, DateOnly StartDate)>();
        foreach (var chunk in patientIds.Chunk(500))
        {
            var found = await db.Episodes.AsNoTracking().Where(e => chunk.Contains(e.PatientId))
                .Select(e => new { e.PatientId, e.Id, e.StartDate }).ToListAsync(ct);
            all.AddRange(found.Select(e => (e.PatientId, e.Id, e.StartDate)));
        }

        return all.ToLookup(e => e.PatientId, e => (e.Id, e.StartDate));
    }

    private static string Snake(string field) => field switch
    {
        "takenAt" => "taken_at",
        _ => field,
    };
}
