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

        var (rows, errors, fatal) = MeasurementCsv.Parse(text, clock);
        if (fatal is { } refused)
        {
            return Problems.BadRequest(refused.Field, refused.Message);
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
                errors.Add(row.Line, Snake(field), message);
            }

            if (!patients.TryGetValue(row.Mrn, out var patientId))
            {
                errors.Add(row.Line, "medical_record_number", $"No patient has medical record number '{row.Mrn}'.");
                continue;
            }

            var patientEpisodes = episodes[patientId].ToList();
            Guid? episodeId = row.EpisodeId;
            if (episodeId is { } given && patientEpisodes.All(e => e.Id != given))
            {
                errors.Add(row.Line, "episode_id", $"The patient has no episode with id {given}.");
                continue;
            }

            if (row.TakenAt is null || errors.HasLine(row.Line))
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
            return TypedResults.ValidationProblem(errors.ToDictionary(),
                detail: $"Nothing was imported: {errors.BadLines} row(s) have errors.");
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
