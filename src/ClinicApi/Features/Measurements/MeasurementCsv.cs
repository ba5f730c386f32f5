using System.Globalization;
using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Measurements;

/// <summary>One data line of an import, as parsed: values that did not parse are null and have an error.</summary>
public sealed record ImportRow(int Line, string Mrn, string Instrument, DateTime? TakenAt, double? Score, IReadOnlyList<int?>? Items, Guid? EpisodeId);

/// <summary>
/// Row errors keyed <c>rows[line].field</c>, as the 400 answer reports them. Every bad line is counted, but only
/// the first <see cref="MeasurementCsv.MaxReportedErrors"/> keys are kept, so a broken 50,000-row file gets a
/// bounded answer.
/// </summary>
public sealed class ImportErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];
    private readonly HashSet<int> _badLines = [];

    public int Count => _errors.Count;

    public int BadLines => _badLines.Count;

    public bool HasLine(int line) => _badLines.Contains(line);

    public void Add(int line, string field, string message)
    {
        _badLines.Add(line);
        var key = $"rows[{line}].{field}";
        if (_errors.TryGetValue(key, out var list))
        {
            list.Add(message);
        }
        else if (_errors.Count < MeasurementCsv.MaxReportedErrors)
        {
            _errors[key] = [message];
        }
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}

/// <summary>
/// The pure half of the CSV import: header, rows, cells and their types, with every error collected. What
/// needs the database (record numbers, episodes) and the scoring rules are the handler's business.
/// </summary>
public static class MeasurementCsv
{
    public const int MaxRows = 50_000;
    public const int MaxReportedErrors = 1_000;
    public static readonly string[] Columns = ["medical_record_number", "instrument", "taken_at", "score", "items", "episode_id"];

    /// <summary>
    /// The rows and their errors, or the one reason the whole file is refused (its header, its size, no rows):
    /// the field and message of a 400.
    /// </summary>
    public static (List<ImportRow> Rows, ImportErrors Errors, (string Field, string Message)? Fatal) Parse(string text, ClinicClock clock)
    {
        var errors = new ImportErrors();
        var rows = new List<ImportRow>();
        // The JSON reader refuses NUL in every field; a CSV cell must be refused too (PostgreSQL cannot store it).
        if (text.IndexOf('\0', StringComparison.Ordinal) is var nul and >= 0)
        {
            return (rows, errors, ($"rows[{text.AsSpan(0, nul).Count('\n') + 1}]", "The line holds a NUL character."));
        }

        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = Csv.Split(lines.Count > 0 ? lines[0] : string.Empty).Select(c => c.Trim().ToLowerInvariant()).ToList();
        var missing = Columns[..5].Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0 || header.Any(c => !Columns.Contains(c)))
        {
            return (rows, errors, ("header", $"The first line names the columns: {string.Join(",", Columns)} (episode_id optional, in any order)."));
        }

        for (var i = 1; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            if (rows.Count == MaxRows)
            {
                return (rows, errors, ("body", $"An import holds at most {MaxRows} rows; split the file."));
            }

            var line = i + 1;
            var cells = Csv.Split(lines[i]);
            if (cells.Count != header.Count)
            {
                errors.Add(line, "row", $"The row has {cells.Count} cells; the header names {header.Count}.");
                continue;
            }

            string Cell(string column) => header.IndexOf(column) is var index and >= 0 ? cells[index].Trim() : string.Empty;
            rows.Add(ParseRow(line, Cell, clock, errors.Add));
        }

        return rows.Count == 0 && errors.Count == 0
            ? (rows, errors, ("body", "The CSV holds no rows."))
            : (rows, errors, null);
    }

    private static ImportRow ParseRow(int line, Func<string, string> cell, ClinicClock clock, Action<int, string, string> error)
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

        return new ImportRow(line, mrn, cell("instrument"), takenAt, score, items, episodeId);
    }
}
