using Npgsql;

// The raw baseline: each route runs the SQL its ClinicApi scenario needs, straight through Npgsql, and writes
// the rows as JSON. What ClinicApi adds on top (EF, validation, auth, care team, audit, problem details) is
// what the benchmark's ratios measure.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var dataSource = NpgsqlDataSource.Create(builder.Configuration["ConnectionString"] ?? throw new InvalidOperationException("ConnectionString is required."));
var app = builder.Build();

app.MapGet("/patients/{id:guid}", async (Guid id) =>
    Results.Json(await RowsAsync("SELECT id, medical_record_number, given_name, family_name, date_of_birth, sex, email, phone, status, version FROM patients WHERE id = $1", id)));
app.MapGet("/patients", async (string? family, string? given, Guid? id) =>
    Results.Json(family is null
        ? await RowsAsync("SELECT id, medical_record_number, given_name, family_name, date_of_birth, status FROM patients WHERE status = 'Active' ORDER BY family_name, given_name, id LIMIT 26")
        : await RowsAsync("SELECT id, medical_record_number, given_name, family_name, date_of_birth, status FROM patients WHERE status = 'Active' AND (family_name, given_name, id) > ($1, $2, $3) ORDER BY family_name, given_name, id LIMIT 26", family, given!, id!.Value)));
app.MapGet("/therapists/{id:guid}/calendar", async (Guid id, DateTime from, DateTime to) =>
    Results.Json(await RowsAsync("SELECT id, patient_id, episode_id, kind, starts_at, ends_at, status FROM sessions WHERE therapist_id = $1 AND starts_at >= $2 AND starts_at < $3 AND status <> 'Cancelled' ORDER BY starts_at LIMIT 1000",
        id, DateTime.SpecifyKind(from, DateTimeKind.Utc), DateTime.SpecifyKind(to, DateTimeKind.Utc))));
app.MapGet("/therapists/{id:guid}/free-slots", async (Guid id, DateTime from, DateTime to) =>
{
    var hours = await RowsAsync("SELECT weekday, starts_at, ends_at FROM working_hours WHERE therapist_id = $1", id);
    var busy = await RowsAsync("SELECT starts_at, ends_at FROM sessions WHERE therapist_id = $1 AND status <> 'Cancelled' AND starts_at < $3 AND ends_at > $2",
        id, DateTime.SpecifyKind(from, DateTimeKind.Utc), DateTime.SpecifyKind(to, DateTimeKind.Utc));
    var off = await RowsAsync("SELECT starts_at, ends_at FROM time_off WHERE therapist_id = $1 AND starts_at < $3 AND ends_at > $2",
        id, DateTime.SpecifyKind(from, DateTimeKind.Utc), DateTime.SpecifyKind(to, DateTimeKind.Utc));
    return Results.Json(new { hours, busy, off });
});
app.MapGet("/patients/{id:guid}/trajectory", async (Guid id) =>
    Results.Json(await RowsAsync("SELECT m.id, m.taken_at, m.score, e.start_date FROM episodes e JOIN measurements m ON m.episode_id = e.id WHERE e.patient_id = $1 AND m.instrument = 'pain-nrs' AND NOT m.superseded AND m.status <> 'EnteredInError' ORDER BY m.taken_at", id)));
app.MapPost("/patients", async () =>
{
    var id = Guid.CreateVersion7();
    await using var command = dataSource.CreateCommand(
        "INSERT INTO patients (id, medical_record_number, given_name, family_name, search_name, date_of_birth, sex, has_anxiety, has_depression, consent_to_deidentified_reporting, status, created_at, updated_at, version) " +
        "VALUES ($1, $2, 'Raw', 'Insert', 'insert raw', DATE '1980-01-01', 'Female', FALSE, FALSE, TRUE, 'Active', now(), now(), 1)");
    command.Parameters.Add(new() { Value = id });
    command.Parameters.Add(new() { Value = "RAW-" + id.ToString("N")[..24] });
    await command.ExecuteNonQueryAsync();
    return Results.Created($"/patients/{id}", new { id });
});
app.MapGet("/reports/cohort", async () => Results.Json(await RowsAsync(CohortSql)));
app.Run();

async Task<List<Dictionary<string, object?>>> RowsAsync(string sql, params object[] parameters)
{
    await using var command = dataSource.CreateCommand(sql);
    foreach (var value in parameters)
    {
        command.Parameters.Add(new() { Value = value });
    }

    var rows = new List<Dictionary<string, object?>>();
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        var row = new Dictionary<string, object?>(reader.FieldCount);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        rows.Add(row);
    }

    return rows;
}

public partial class Program
{
    /// <summary>
    /// The cohort report's aggregate in one statement: per arm, baseline and week-22 pain (the measurement nearest
    /// each target in its window), change, SD and responders; consented patients only.
    /// </summary>
    public const string CohortSql = """
        WITH placed AS (
          SELECT e.id AS episode_id, e.arm_id, m.score,
                 (m.taken_at::date - e.start_date) / 7.0 AS weeks
          FROM episodes e
          JOIN patients p ON p.id = e.patient_id AND p.consent_to_deidentified_reporting
          JOIN measurements m ON m.episode_id = e.id AND m.instrument = 'pain-nrs' AND NOT m.superseded AND m.status <> 'EnteredInError'),
        baseline AS (SELECT DISTINCT ON (episode_id) episode_id, arm_id, score FROM placed WHERE weeks BETWEEN -2 AND 1 ORDER BY episode_id, abs(weeks)),
        week22 AS (SELECT DISTINCT ON (episode_id) episode_id, score FROM placed WHERE weeks BETWEEN 19 AND 24 ORDER BY episode_id, abs(weeks - 22))
        SELECT b.arm_id, count(*) AS n, avg(b.score) AS baseline_mean, avg(w.score - b.score) AS mean_change, stddev_samp(w.score - b.score) AS sd,
               avg(CASE WHEN b.score - w.score >= 2 OR (b.score > 0 AND (b.score - w.score) / b.score >= 0.3) THEN 1.0 ELSE 0.0 END) AS responder_rate
        FROM baseline b JOIN week22 w ON w.episode_id = b.episode_id
        GROUP BY b.arm_id ORDER BY b.arm_id
        """;
}
