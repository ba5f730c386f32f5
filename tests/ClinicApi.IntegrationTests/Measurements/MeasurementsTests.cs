using System.Net;
using System.Text;
using ClinicApi.Data;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Episodes;
using ClinicApi.Features.Measurements;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Measurements;

public sealed class MeasurementsOnSqlite() : MeasurementsTests(new SqliteDatabases());

public sealed class MeasurementsOnPostgres(PostgresServer server) : MeasurementsTests(new PostgresDatabases(server));

public sealed class MeasurementsOnSqlServer(SqlServerServer server) : MeasurementsTests(new SqlServerDatabases(server));

/// <summary>
/// Outcome measurements through HTTP on a fixed clock: today is Wednesday 1 September 2027 in London; the
/// episodes start on Monday 1 March 2027, so week 26 is today's neighbourhood.
/// </summary>
public abstract class MeasurementsTests(ITestDatabases databases) : ApiTest(databases)
{
    private static readonly DateTime s_start = new(2027, 3, 1, 9, 0, 0, DateTimeKind.Utc);
    private readonly TestClock _clock = new(new DateTimeOffset(2027, 9, 1, 12, 0, 0, TimeSpan.Zero));

    private sealed record Setup(Guid PatientId, Guid EpisodeId, string Mrn);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _clock.Install(Factory);
    }

    private static DateTime Week(double weeks) => s_start.AddDays(weeks * 7);

    private async Task<Setup> SetUpAsync(string startDate = "2027-03-01")
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy", "cognitive-behavioural-therapy");
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var enrolled = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id,
            armId = ArmCatalogue.PhysiotherapyCbtId,
            primaryTherapistId = therapist.Id,
            startDate,
            referralReason = "GP referral",
        });
        Assert.True(enrolled.StatusCode == HttpStatusCode.Created, await enrolled.Content.ReadAsStringAsync());
        return new(patient.Id, (await ReadAsync<EpisodeResponse>(enrolled)).Id, patient.MedicalRecordNumber);
    }

    private async Task<MeasurementResponse> RecordAsync(Guid patientId, object body)
    {
        var response = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/patients/{patientId}/measurements", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await ReadAsync<MeasurementResponse>(response);
    }

    private async Task<int> MeasurementRowsAsync()
    {
        await using var db = Db();
        return await db.Measurements.CountAsync();
    }

    [Fact]
    public async Task Item_answers_are_scored_by_the_api_and_stored_with_the_total()
    {
        var setup = await SetUpAsync();

        var odi = await RecordAsync(setup.PatientId, new { instrument = "odi", takenAt = Week(0), items = new int?[] { 2, 2, 2, 2, 2, 2, 2, 2, 4, null } });
        Assert.Equal(44.4, odi.Score);
        Assert.Equal([2, 2, 2, 2, 2, 2, 2, 2, 4, null], odi.Items);
        Assert.Equal((setup.EpisodeId, "baseline", 0.0, 1, MeasurementStatus.Final), (odi.EpisodeId, odi.Timepoint, odi.WeeksSinceEpisodeStart, odi.Version, odi.Status));

        var tsk = await RecordAsync(setup.PatientId, new { instrument = "tsk-17", takenAt = Week(0), items = Enumerable.Repeat(4, 17) });
        Assert.Equal((56.0, "high-kinesiophobia"), (tsk.Score, tsk.Interpretation));

        var startBack = await RecordAsync(setup.PatientId, new { instrument = "start-back", takenAt = Week(0), items = new[] { 0, 0, 0, 0, 1, 1, 1, 0, 4 } });
        Assert.Equal((4.0, (double?)4.0, "high"), (startBack.Score, startBack.Subscore, startBack.Interpretation));

        var rmdq = await RecordAsync(setup.PatientId, new { instrument = "rmdq", takenAt = Week(0), items = Enumerable.Repeat(1, 10).Concat(Enumerable.Repeat(0, 14)) });
        Assert.Equal(10, rmdq.Score);
        var pcs = await RecordAsync(setup.PatientId, new { instrument = "pcs", takenAt = Week(0), items = Enumerable.Repeat(3, 13) });
        Assert.Equal(39, pcs.Score);
        var nrs = await RecordAsync(setup.PatientId, new { instrument = "pain-nrs", takenAt = Week(0), score = 6 });
        Assert.Equal((6.0, (IReadOnlyList<int?>?)null), (nrs.Score, nrs.Items));

        await using var db = Db();
        var stored = await db.Measurements.SingleAsync(m => m.Id == odi.Id);
        Assert.Equal((44.4, "2,2,2,2,2,2,2,2,4,"), (stored.Score, stored.Items));
    }

    [Fact]
    public async Task Bad_measurements_are_400_with_field_errors_and_store_nothing()
    {
        var setup = await SetUpAsync();
        var other = await SetUpAsync();
        var client = Client(Roles.Admin);
        var url = $"/patients/{setup.PatientId}/measurements";

        async Task<IReadOnlyList<string>> FieldsAsync(object body) => await AssertValidationProblemAsync(await SendAsync(client, HttpMethod.Post, url, body));

        Assert.Equal(["items"], await FieldsAsync(new { instrument = "odi", takenAt = Week(1), items = new[] { 1, 2, 3 } }));
        Assert.Equal(["items"], await FieldsAsync(new { instrument = "pcs", takenAt = Week(1), items = Enumerable.Repeat(5, 13) }));
        Assert.Equal(["items"], await FieldsAsync(new { instrument = "odi", takenAt = Week(1), items = new int?[] { null, null, 1, 1, 1, 1, 1, 1, 1, 1 } }));
        Assert.Equal(["score"], await FieldsAsync(new { instrument = "pain-nrs", takenAt = Week(1), score = 11 }));
        Assert.Equal(["score"], await FieldsAsync(new { instrument = "tsk-17", takenAt = Week(1), score = 10 }));
        Assert.Equal(["score"], await FieldsAsync(new { instrument = "pain-nrs", takenAt = Week(1), score = 5, items = new[] { 5 } }));
        Assert.Equal(["score"], await FieldsAsync(new { instrument = "pain-nrs", takenAt = Week(1) }));
        Assert.Equal(["takenAt"], await FieldsAsync(new { instrument = "pain-nrs", takenAt = _clock.Now.UtcDateTime.AddDays(1), score = 3 }));
        Assert.Equal(["instrument"], await FieldsAsync(new { instrument = "vas", takenAt = Week(1), score = 3 }));
        Assert.Equivalent(new[] { "instrument", "takenAt", "score" }, await FieldsAsync(new { }), strict: true);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, url, new { instrument = "pain-nrs", takenAt = Week(1), score = "high" }), HttpStatusCode.BadRequest);

        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"/patients/{Guid.CreateVersion7()}/measurements",
            new { instrument = "pain-nrs", takenAt = Week(1), score = 3 }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, url,
            new { instrument = "pain-nrs", takenAt = Week(1), score = 3, episodeId = other.EpisodeId }), HttpStatusCode.UnprocessableEntity);
        await AssertProblemAsync(await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, url,
            new { instrument = "pain-nrs", takenAt = Week(1), score = 3 }), HttpStatusCode.Forbidden);

        Assert.Equal(0, await MeasurementRowsAsync());
    }

    [Fact]
    public async Task Timepoints_are_derived_from_the_episode_start_with_tolerance_windows()
    {
        var setup = await SetUpAsync();
        var expected = new (int Days, string Timepoint)[]
        {
            (-7, "baseline"), (3, "baseline"), (21, "unscheduled"), (42, "end-of-treatment"), (53, "end-of-treatment"),
            (70, "week-10"), (105, "unscheduled"), (147, "week-22"), (172, "6-months"),
        };
        foreach (var (days, timepoint) in expected)
        {
            var recorded = await RecordAsync(setup.PatientId, new { instrument = "pain-nrs", takenAt = s_start.AddDays(days), score = 4 });
            Assert.True(timepoint == recorded.Timepoint, $"day {days}: expected {timepoint}, got {recorded.Timepoint}");
            Assert.Equal(Math.Round(days / 7.0, 1), recorded.WeeksSinceEpisodeStart);
            Assert.Equal(setup.EpisodeId, recorded.EpisodeId);
        }
    }

    [Fact]
    public async Task A_patients_measurements_are_listed_in_pages_by_cursor()
    {
        var setup = await SetUpAsync();
        foreach (var days in new[] { -7, 3, 21, 42, 53, 70, 105, 147, 172 })
        {
            await RecordAsync(setup.PatientId, new { instrument = "pain-nrs", takenAt = s_start.AddDays(days), score = 4 });
        }

        var list = await ReadAsync<Page<MeasurementResponse>>(await Client(Roles.Admin).GetAsync($"/patients/{setup.PatientId}/measurements?instrument=pain-nrs&limit=4"));
        Assert.Equal(["baseline", "baseline", "unscheduled", "end-of-treatment"], list.Items.Select(m => m.Timepoint));
        var next = await ReadAsync<Page<MeasurementResponse>>(await Client(Roles.Admin).GetAsync(
            $"/patients/{setup.PatientId}/measurements?instrument=pain-nrs&limit=100&cursor={list.NextCursor}"));
        Assert.Equal(5, next.Items.Count);
        Assert.Null(next.NextCursor);
    }

    [Fact]
    public async Task A_malformed_cursor_is_a_validation_problem()
    {
        var setup = await SetUpAsync();

        await AssertValidationProblemAsync(await Client(Roles.Admin).GetAsync($"/patients/{setup.PatientId}/measurements?cursor=junk"));
    }

    [Fact]
    public async Task The_windows_are_configuration()
    {
        Factory.Settings["Outcomes:Timepoints:0:Code"] = "baseline";
        Factory.Settings["Outcomes:Timepoints:0:Week"] = "0";
        Factory.Settings["Outcomes:Timepoints:0:WeeksAfter"] = "4";
        var setup = await SetUpAsync();

        Assert.Equal("baseline", (await RecordAsync(setup.PatientId, new { instrument = "pain-nrs", takenAt = Week(3), score = 4 })).Timepoint);
        Assert.Equal("unscheduled", (await RecordAsync(setup.PatientId, new { instrument = "pain-nrs", takenAt = Week(6), score = 4 })).Timepoint);
    }

    /// <summary>A pain NRS score of 8 at week 6, as recorded (version 1).</summary>
    private async Task<(Setup Setup, MeasurementResponse First, string Url)> RecordedAsync()
    {
        var setup = await SetUpAsync();
        var first = await RecordAsync(setup.PatientId, new { instrument = "pain-nrs", takenAt = Week(6), score = 8 });
        return (setup, first, $"/measurements/{first.Id}");
    }

    /// <summary>The score 8 amended to 3 (version 2).</summary>
    private async Task<(Setup Setup, MeasurementResponse First, string Url, HttpResponseMessage Amended)> AmendedAsync()
    {
        var (setup, first, url) = await RecordedAsync();
        var amended = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"{url}/amend", new { score = 3, reason = "Transcription error" }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        return (setup, first, url, amended);
    }

    /// <summary>The amended score then marked entered in error (version 3).</summary>
    private async Task<(Setup Setup, string Url, HttpResponseMessage Withdrawn)> WithdrawnAsync()
    {
        var (setup, _, url, _) = await AmendedAsync();
        var withdrawn = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"{url}/entered-in-error", new { reason = "Wrong patient" }, "\"2\"");
        return (setup, url, withdrawn);
    }

    [Fact]
    public async Task An_amendment_needs_if_match()
    {
        var (_, _, url) = await RecordedAsync();

        await AssertProblemAsync(await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"{url}/amend", new { score = 3, reason = "Transcription error" }), HttpStatusCode.PreconditionRequired);
    }

    [Fact]
    public async Task An_amendment_needs_a_reason()
    {
        var (_, _, url) = await RecordedAsync();

        Assert.Contains("reason", await AssertValidationProblemAsync(await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"{url}/amend", new { score = 3 }, "\"1\"")));
    }

    [Fact]
    public async Task An_amended_score_must_be_in_the_instruments_range()
    {
        var (_, _, url) = await RecordedAsync();

        Assert.Contains("score", await AssertValidationProblemAsync(await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"{url}/amend", new { score = 30, reason = "x" }, "\"1\"")));
    }

    [Fact]
    public async Task An_amendment_adds_a_version_under_the_same_id_and_keeps_the_old_one()
    {
        var (_, first, _, amended) = await AmendedAsync();

        var history = await ReadAsync<MeasurementHistory>(amended);
        Assert.Equal((first.Id, 2, MeasurementStatus.Amended, 3.0, "Transcription error"),
            (history.Current.Id, history.Current.Version, history.Current.Status, history.Current.Score, history.Current.Reason));
        Assert.Equal([8.0, 3.0], history.Versions.Select(v => v.Score));
        Assert.Equal("\"2\"", amended.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task An_amendment_of_a_superseded_version_is_refused()
    {
        var (_, _, url, _) = await AmendedAsync();

        await AssertProblemAsync(await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"{url}/amend", new { score = 4, reason = "Again" }, "\"1\""), HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Lists_see_the_current_version_only()
    {
        var (setup, first, _, _) = await AmendedAsync();

        var listed = Assert.Single((await ReadAsync<Page<MeasurementResponse>>(await Client(Roles.Admin).GetAsync($"/patients/{setup.PatientId}/measurements"))).Items);
        Assert.Equal((first.Id, 3.0), (listed.Id, listed.Score));
    }

    [Fact]
    public async Task Entered_in_error_withdraws_the_measurement_from_lists_unless_withdrawn_ones_are_asked_for()
    {
        var (setup, _, withdrawn) = await WithdrawnAsync();
        var client = Client(Roles.Admin);

        Assert.Equal(MeasurementStatus.EnteredInError, (await ReadAsync<MeasurementHistory>(withdrawn)).Current.Status);
        Assert.Empty((await ReadAsync<Page<MeasurementResponse>>(await client.GetAsync($"/patients/{setup.PatientId}/measurements"))).Items);
        Assert.Single((await ReadAsync<Page<MeasurementResponse>>(await client.GetAsync($"/patients/{setup.PatientId}/measurements?includeWithdrawn=true"))).Items);
    }

    [Fact]
    public async Task A_withdrawn_measurement_cannot_be_amended()
    {
        var (_, url, _) = await WithdrawnAsync();

        await AssertProblemAsync(await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"{url}/amend", new { score = 4, reason = "Again" }, "\"3\""), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_history_keeps_every_version()
    {
        var (_, url, _) = await WithdrawnAsync();

        var all = await ReadAsync<MeasurementHistory>(await Client(Roles.Admin).GetAsync(url));
        Assert.Equal([1, 2, 3], all.Versions.Select(v => v.Version));
        Assert.Equal([8.0, 3.0, 3.0], all.Versions.Select(v => v.Score));
    }

    [Fact]
    public async Task A_measurement_is_addressed_by_its_own_id_not_by_a_versions()
    {
        var (_, url, _) = await WithdrawnAsync();
        var client = Client(Roles.Admin);

        var all = await ReadAsync<MeasurementHistory>(await client.GetAsync(url));
        await AssertProblemAsync(await client.GetAsync($"/measurements/{all.Versions[1].VersionId}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_unknown_measurement_is_not_found()
    {
        await AssertProblemAsync(await Client(Roles.Admin).GetAsync($"/measurements/{Guid.CreateVersion7()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Amendments_and_withdrawal_add_rows_overwrite_none_and_refused_ones_store_nothing()
    {
        var (_, _, url) = await RecordedAsync();
        var client = Client(Roles.Admin);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/amend", new { score = 3, reason = "Transcription error" }), HttpStatusCode.PreconditionRequired);
        await AssertValidationProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/amend", new { score = 30, reason = "x" }, "\"1\""));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Post, $"{url}/amend", new { score = 3, reason = "Transcription error" }, "\"1\"")).StatusCode);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/amend", new { score = 4, reason = "Again" }, "\"1\""), HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Post, $"{url}/entered-in-error", new { reason = "Wrong patient" }, "\"2\"")).StatusCode);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/amend", new { score = 4, reason = "Again" }, "\"3\""), HttpStatusCode.Conflict);

        // The original, its amendment and its withdrawal: three rows; the four refused requests added none.
        Assert.Equal(3, await MeasurementRowsAsync());
    }

    [Fact]
    public async Task Racing_amendments_of_one_version_keep_exactly_one()
    {
        var setup = await SetUpAsync();
        var first = await RecordAsync(setup.PatientId, new { instrument = "pain-nrs", takenAt = Week(6), score = 8 });

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/measurements/{first.Id}/amend", new { score = i, reason = $"Fix {i}" }, "\"1\"")));

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        await using var db = Db();
        Assert.Equal(2, await db.Measurements.CountAsync());
        Assert.Equal(1, await db.Measurements.CountAsync(m => !m.Superseded));
    }

    [Fact]
    public async Task Follow_ups_list_what_each_episode_still_lacks()
    {
        var setup = await SetUpAsync("2027-06-21");
        await RecordAsync(setup.PatientId, new { instrument = "pain-nrs", takenAt = new DateTime(2027, 6, 21, 9, 0, 0, DateTimeKind.Utc), score = 6 });
        await RecordAsync(setup.PatientId, new { instrument = "pain-nrs", takenAt = new DateTime(2027, 8, 2, 9, 0, 0, DateTimeKind.Utc), score = 3 });

        // Today is 2027-09-01, week 10.3: baseline and end of treatment have closed, week 10 (8.5 to 12) is open.
        var page = await ReadAsync<Page<FollowUpEpisode>>(await Client(Roles.Admin).GetAsync("/follow-ups"));
        var episode = Assert.Single(page.Items);
        Assert.Equal(setup.EpisodeId, episode.EpisodeId);
        Assert.Equal(
            [("baseline", "odi", FollowUpStatus.Overdue), ("end-of-treatment", "odi", FollowUpStatus.Overdue),
             ("week-10", "pain-nrs", FollowUpStatus.Due), ("week-10", "odi", FollowUpStatus.Due)],
            episode.Outstanding.Select(o => (o.Timepoint, o.Instrument, o.Status)));
        Assert.Equal(new DateOnly(2027, 9, 13), episode.Outstanding[2].ClosesOn);

        var overdue = await ReadAsync<Page<FollowUpEpisode>>(await Client(Roles.Admin).GetAsync("/follow-ups?status=overdue"));
        Assert.All(Assert.Single(overdue.Items).Outstanding, o => Assert.Equal(FollowUpStatus.Overdue, o.Status));
        Assert.Empty((await ReadAsync<Page<FollowUpEpisode>>(await Client(Roles.Admin).GetAsync($"/follow-ups?therapistId={Guid.CreateVersion7()}"))).Items);
        Assert.Equal(["status"], await AssertValidationProblemAsync(await Client(Roles.Admin).GetAsync("/follow-ups?status=late")));
    }

    [Fact]
    public async Task Adverse_events_are_recorded_per_episode()
    {
        var setup = await SetUpAsync();
        var client = Client(Roles.Admin);
        var url = $"/episodes/{setup.EpisodeId}/adverse-events";

        Assert.Equivalent(new[] { "occurredOn", "severity", "relatedness", "code" }, await AssertValidationProblemAsync(await SendAsync(client, HttpMethod.Post, url, new { })), strict: true);
        Assert.Equal(["description"], await AssertValidationProblemAsync(await SendAsync(client, HttpMethod.Post, url,
            new { occurredOn = "2027-03-10", severity = "mild", relatedness = "possible", code = "other" })));
        Assert.Equal(["occurredOn"], await AssertValidationProblemAsync(await SendAsync(client, HttpMethod.Post, url,
            new { occurredOn = "2027-09-02", severity = "mild", relatedness = "possible", code = "fall" })));
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, url,
            new { occurredOn = "2027-02-01", severity = "mild", relatedness = "possible", code = "fall" }), HttpStatusCode.UnprocessableEntity);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"/episodes/{Guid.CreateVersion7()}/adverse-events",
            new { occurredOn = "2027-03-10", severity = "mild", relatedness = "possible", code = "fall" }), HttpStatusCode.NotFound);

        var created = await SendAsync(client, HttpMethod.Post, url,
            new { occurredOn = "2027-03-10", severity = "moderate", relatedness = "probable", code = "increased-pain" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var listed = Assert.Single(await ReadAsync<List<AdverseEventResponse>>(await client.GetAsync(url)));
        Assert.Equal((AdverseEventSeverity.Moderate, AdverseEventRelatedness.Probable, AdverseEventCode.IncreasedPain, setup.PatientId),
            (listed.Severity, listed.Relatedness, listed.Code, listed.PatientId));
    }

    private Task<HttpResponseMessage> ImportAsync(string csv, string role = Roles.Admin, string contentType = "text/csv") =>
        Client(role).PostAsync("/measurements/import", new StringContent(csv, Encoding.UTF8, contentType));

    [Fact]
    public async Task A_csv_import_is_all_or_nothing_and_lists_every_bad_row()
    {
        var setup = await SetUpAsync();
        var good = $"""
            medical_record_number,instrument,taken_at,score,items
            {setup.Mrn},pain-nrs,2027-03-01T09:00:00Z,6,
            {setup.Mrn},odi,2027-03-01 09:05,,2;2;2;2;2;2;2;2;4;
            {setup.Mrn},pain-nrs,2027-04-12T10:00:00+01:00,3,
            """;
        var bad = good + $"""

            {setup.Mrn},pain-nrs,2027-04-12T10:00:00Z,12,
            MRN-UNKNOWN,pain-nrs,2027-04-12T10:00:00Z,3,
            {setup.Mrn},tsk-17,yesterday,,1;2
            """;

        var refused = await AssertProblemAsync(await ImportAsync(bad), HttpStatusCode.BadRequest);
        var errors = refused.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equivalent(new[] { "rows[5].score", "rows[6].medical_record_number", "rows[7].taken_at", "rows[7].items" }, errors, strict: true);
        Assert.Contains("3 row(s)", refused.GetProperty("detail").GetString());
        Assert.Equal(0, await MeasurementRowsAsync());

        var imported = await ImportAsync(good);
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        var result = await ReadAsync<ImportResult>(imported);
        Assert.Equal(3, result.Imported);
        var list = (await ReadAsync<Page<MeasurementResponse>>(await Client(Roles.Admin).GetAsync($"/patients/{setup.PatientId}/measurements"))).Items;
        Assert.Equal([("pain-nrs", 6.0, "baseline"), ("odi", 44.4, "baseline"), ("pain-nrs", 3.0, "end-of-treatment")],
            list.Select(m => (m.Instrument, m.Score, m.Timepoint)));
        Assert.All(list, m => Assert.Equal(setup.EpisodeId, m.EpisodeId));

        await AssertProblemAsync(await ImportAsync(good, contentType: "application/json"), HttpStatusCode.UnsupportedMediaType);
        await AssertProblemAsync(await ImportAsync("name,score\nx,1"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await ImportAsync(good, Roles.Therapist), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Ten_thousand_rows_import_in_one_request()
    {
        var patients = new List<Setup>();
        for (var i = 0; i < 20; i++)
        {
            patients.Add(await SetUpAsync());
        }

        var csv = new StringBuilder("medical_record_number,instrument,taken_at,score,items\n");
        for (var i = 0; i < 10_000; i++)
        {
            var patient = patients[i % patients.Count];
            csv.Append(patient.Mrn).Append(i % 2 == 0 ? ",pain-nrs," : ",rmdq,")
                .Append(s_start.AddMinutes(20 * i).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture))
                .Append(',').Append(i % 2 == 0 ? (i % 11).ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty)
                .Append(',').Append(i % 2 == 0 ? string.Empty : string.Join(';', Enumerable.Range(0, 24).Select(k => (k + i) % 3 == 0 ? 1 : 0)))
                .Append('\n');
        }

        var response = await ImportAsync(csv.ToString());

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var result = await ReadAsync<ImportResult>(response);
        Assert.Equal(10_000, result.Imported);
        Assert.Equal((5_000, 5_000), (result.ByInstrument["pain-nrs"], result.ByInstrument["rmdq"]));
        Assert.Equal(10_000, await MeasurementRowsAsync());
    }

    [Fact]
    public async Task The_instrument_catalogue_shows_thresholds_with_their_source_and_takes_overrides()
    {
        Factory.Settings["Outcomes:MinimalImportantChange:pcs:Points"] = "6";
        Factory.Settings["Outcomes:MinimalImportantChange:pcs:Relative"] = "0.38";
        Factory.Settings["Outcomes:MinimalImportantChange:pcs:Source"] = "Clinic policy";
        var client = Client(Roles.Manager);

        var all = await ReadAsync<List<InstrumentResponse>>(await client.GetAsync("/instruments"));
        Assert.Equal(["pain-nrs", "odi", "rmdq", "pcs", "tsk-17", "start-back"], all.Select(i => i.Code));
        var nrs = all[0];
        Assert.Equal((2.0, 0.3, "ostelo2008-mic-pain-nrs", "72514-3"), (nrs.MinimalImportantChange!.Points, nrs.MinimalImportantChange.Relative, nrs.MinimalImportantChangeEvidenceId, nrs.Loinc));
        var pcs = await ReadAsync<InstrumentResponse>(await client.GetAsync("/instruments/pcs"));
        Assert.Equal((6.0, "Clinic policy", (string?)null), (pcs.MinimalImportantChange!.Points, pcs.MinimalImportantChange.Source, pcs.MinimalImportantChangeEvidenceId));
        Assert.Null(all.Single(i => i.Code == "tsk-17").MinimalImportantChange);
        await AssertProblemAsync(await client.GetAsync("/instruments/vas"), HttpStatusCode.NotFound);
    }
}
