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
    // Reading the cohort report's rows once, computing nothing: the report's three reads (episodes with arm and
    // consent, current pain scores of consenting patients' episodes, attended sessions per episode).
    public const string RowsSql = """
        SELECT e.id, e.arm_id, a.code, a.evidence_id_codes, a.weeks, a.sessions_per_week, e.primary_therapist_id, e.start_date, e.status, p.consent_to_deidentified_reporting
        FROM episodes e JOIN patients p ON p.id = e.patient_id JOIN treatment_arms a ON a.id = e.arm_id;
        SELECT e.id, m.taken_at, m.score
        FROM measurements m JOIN episodes e ON e.id = m.episode_id JOIN patients p ON p.id = e.patient_id AND p.consent_to_deidentified_reporting
        WHERE NOT m.superseded AND m.status <> 'EnteredInError' AND m.instrument = 'pain-nrs';
        SELECT s.episode_id, s.n
        FROM (SELECT episode_id, count(*) AS n FROM sessions WHERE status = 'Attended' GROUP BY episode_id) s
        JOIN episodes e ON e.id = s.episode_id JOIN patients p ON p.id = e.patient_id AND p.consent_to_deidentified_reporting;
        """;

    // The previous, narrower reference (one window: week 22 against baseline, pain NRS, no adherence), kept so
    // results stay comparable with earlier runs; it is not the report's whole aggregate.
    public const string Week22Sql = """
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

    // The cohort report's aggregate in one statement: every current pain NRS score placed in the first timepoint
    // window (clinic-local weeks since the episode start; the windows of OutcomesOptions.DefaultTimepoints) that contains it, the nearest one per episode and
    // window kept, then per arm and follow-up window: eligible, missing, n, baseline mean, mean change, SD,
    // responders (2 points or 30%), and the arm's session adherence. Consenting patients only.
    public const string CohortSql = """
        WITH w(code, ord, week, eot, before, after) AS (VALUES
          ('baseline', 0, 0, false, 2.0, 1.0), ('end-of-treatment', 1, 0, true, 1.0, 2.0), ('week-10', 2, 10, false, 1.5, 2.0),
          ('week-22', 3, 22, false, 3.0, 2.0), ('6-months', 4, 26, false, 2.0, 4.0), ('12-months', 5, 52, false, 4.0, 8.0)),
        ep AS (
          SELECT e.id, e.arm_id, e.start_date, a.weeks, a.weeks * a.sessions_per_week AS planned
          FROM episodes e
          JOIN patients p ON p.id = e.patient_id AND p.consent_to_deidentified_reporting
          JOIN treatment_arms a ON a.id = e.arm_id),
        m AS (
          SELECT ep.id AS episode_id, ep.weeks AS protocol_weeks, m.score,
                 ((m.taken_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/London')::date - ep.start_date) / 7.0 AS weeks
          FROM measurements m JOIN ep ON ep.id = m.episode_id
          WHERE m.instrument = 'pain-nrs' AND NOT m.superseded AND m.status <> 'EnteredInError'),
        located AS (
          SELECT m.episode_id, m.score, w.code, abs(m.weeks - CASE WHEN w.eot THEN m.protocol_weeks ELSE w.week END) AS distance
          FROM (SELECT m.*, CASE
                  WHEN weeks BETWEEN -2 AND 1 THEN 'baseline'
                  WHEN weeks BETWEEN protocol_weeks - 1 AND protocol_weeks + 2 THEN 'end-of-treatment'
                  WHEN weeks BETWEEN 8.5 AND 12 THEN 'week-10'
                  WHEN weeks BETWEEN 19 AND 24 THEN 'week-22'
                  WHEN weeks BETWEEN 24 AND 30 THEN '6-months'
                  WHEN weeks BETWEEN 48 AND 60 THEN '12-months' END AS code FROM m) m
          JOIN w ON w.code = m.code),
        best AS (SELECT DISTINCT ON (episode_id, code) episode_id, code, score FROM located ORDER BY episode_id, code, distance),
        fu AS (
          SELECT ep.arm_id, w.code, b.score AS base, f.score AS value,
                 ep.start_date + round(((CASE WHEN w.eot THEN ep.weeks ELSE w.week END) + w.after) * 7)::int AS closes
          FROM ep CROSS JOIN w
          LEFT JOIN best b ON b.episode_id = ep.id AND b.code = 'baseline'
          LEFT JOIN best f ON f.episode_id = ep.id AND f.code = w.code
          WHERE w.code <> 'baseline'),
        attended AS (SELECT episode_id, count(*) AS n FROM sessions WHERE status = 'Attended' GROUP BY episode_id),
        adherence AS (
          SELECT ep.arm_id, avg(least(1.0, coalesce(attended.n, 0)::numeric / ep.planned)) AS adherence
          FROM ep LEFT JOIN attended ON attended.episode_id = ep.id WHERE ep.planned > 0 GROUP BY ep.arm_id)
        SELECT fu.arm_id, fu.code,
               count(*) FILTER (WHERE value IS NOT NULL OR closes < current_date) AS eligible,
               count(*) FILTER (WHERE value IS NULL AND closes < current_date) AS missing,
               count(value - base) AS n, avg(base) FILTER (WHERE value IS NOT NULL) AS baseline_mean,
               avg(value - base) AS mean_change, stddev_samp(value - base) AS sd,
               count(*) FILTER (WHERE base - value >= 2 OR (base > 0 AND (base - value) / base >= 0.3)) AS responders,
               max(adherence.adherence) AS adherence
        FROM fu JOIN adherence ON adherence.arm_id = fu.arm_id
        GROUP BY fu.arm_id, fu.code ORDER BY fu.arm_id, fu.code
        """;
}
