using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Episodes;
using ClinicApi.Features.Scheduling;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Reliability;

public sealed class EdgeValuesOnSqlite() : EdgeValueTests(new SqliteDatabases());

public sealed class EdgeValuesOnPostgres(PostgresServer server) : EdgeValueTests(new PostgresDatabases(server));

/// <summary>
/// The cases of issue 18 that were 500s (or silently stored): dates at the edges of the calendar, null array
/// elements, text longer than its column, NUL in a CSV cell, a screening at 0001-01-01, a 100 KB bearer token.
/// Each must be a 4xx problem+json that names the field, with nothing stored. The clock is fixed at Monday
/// 1 March 2027, 07:00 in London.
/// </summary>
public abstract class EdgeValueTests(ITestDatabases databases) : ApiTest(databases)
{
    private static readonly DateTime s_monday = new(2027, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly TestClock _clock = new(new DateTimeOffset(s_monday.AddHours(7)));

    private sealed record Setup(Guid TherapistId, Guid PatientId, Guid EpisodeId);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _clock.Install(Factory);
    }

    private async Task<Setup> SetUpAsync()
    {
        var admin = Client(Roles.Admin);
        var therapist = await Clinic.CreateTherapistAsync(admin, "exercise-therapy", "cognitive-behavioural-therapy");
        await Clinic.SetWeekdayHoursAsync(admin, therapist.Id);
        var patient = await Clinic.RegisterPatientAsync(admin);
        var enrolled = await SendAsync(admin, HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id, armId = ArmCatalogue.PhysiotherapyCbtId, primaryTherapistId = therapist.Id, startDate = "2027-03-01", referralReason = "GP referral",
        });
        Assert.True(enrolled.StatusCode == HttpStatusCode.Created, await enrolled.Content.ReadAsStringAsync());
        return new(therapist.Id, patient.Id, (await ReadAsync<EpisodeResponse>(enrolled)).Id);
    }

    private async Task<long> CountAsync<T>(Func<ClinicApi.Data.ClinicDbContext, IQueryable<T>> table)
    {
        await using var db = Db();
        return await table(db).LongCountAsync();
    }

    private static async Task AssertFieldRefusedAsync(HttpResponseMessage response, string field)
    {
        var fields = await AssertValidationProblemAsync(response);
        Assert.Contains(field, fields);
    }

    [Theory]
    [InlineData("9999-12-31T23:30:00Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("2101-01-01T09:00:00Z")]
    public async Task A_booking_at_the_edge_of_the_calendar_is_a_400_naming_startsAt(string startsAt)
    {
        var setup = await SetUpAsync();
        var response = await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, "/sessions", new
        {
            patientId = setup.PatientId, therapistId = setup.TherapistId, episodeId = setup.EpisodeId, kind = "physiotherapy", startsAt, durationMinutes = 45,
        });
        await AssertFieldRefusedAsync(response, "startsAt");
        Assert.Equal(0, await CountAsync(db => db.Sessions));
    }

    [Fact]
    public async Task A_reschedule_to_the_last_second_of_the_calendar_is_a_400_and_the_session_keeps_its_time()
    {
        var setup = await SetUpAsync();
        var booked = await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, "/sessions", new
        {
            patientId = setup.PatientId, therapistId = setup.TherapistId, episodeId = setup.EpisodeId, kind = "physiotherapy",
            startsAt = s_monday.AddDays(1).AddHours(10), durationMinutes = 45,
        });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var session = await ReadAsync<SessionResponse>(booked);
        var response = await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, $"/sessions/{session.Id}/reschedule",
            new { startsAt = "9999-12-31T23:59:59Z", durationMinutes = 45 }, booked.Headers.ETag!.Tag);
        await AssertFieldRefusedAsync(response, "startsAt");
        await using var db = Db();
        Assert.Equal(s_monday.AddDays(1).AddHours(10), (await db.Sessions.SingleAsync()).StartsAt);
    }

    [Theory]
    [InlineData("9999-12-24")]
    [InlineData("9999-12-31")]
    [InlineData("0001-01-01")]
    public async Task A_series_starting_at_the_edge_of_the_calendar_is_a_400_naming_firstDate(string firstDate)
    {
        var setup = await SetUpAsync();
        var response = await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, $"/episodes/{setup.EpisodeId}/series", new
        {
            weekdays = new[] { "monday", "thursday" }, startTime = "09:00", firstDate, weeks = 6, skipConflicts = true,
        });
        await AssertFieldRefusedAsync(response, "firstDate");
        Assert.Equal(0, await CountAsync(db => db.Sessions));
    }

    [Theory]
    [InlineData("/day-sheet?date=9999-12-31", "date")]
    [InlineData("/day-sheet?date=0001-01-01", "date")]
    [InlineData("/therapists/{therapist}/calendar?from=9999-12-31&to=9999-12-31", "from")]
    [InlineData("/therapists/{therapist}/calendar?from=0001-01-01&to=0001-01-07", "from")]
    [InlineData("/therapists/{therapist}/free-slots?from=9999-12-31&to=9999-12-31&durationMinutes=45", "from")]
    [InlineData("/therapists/{therapist}/free-slots?from=0001-01-01&to=0001-01-01&durationMinutes=45", "from")]
    public async Task Schedule_reads_at_the_edge_of_the_calendar_are_a_400_naming_the_date(string url, string field)
    {
        var setup = await SetUpAsync();
        var response = await Client(Roles.FrontDesk).GetAsync(url.Replace("{therapist}", setup.TherapistId.ToString(), StringComparison.Ordinal));
        await AssertFieldRefusedAsync(response, field);
    }

    [Fact]
    public async Task The_bounds_themselves_are_accepted()
    {
        var setup = await SetUpAsync();
        var client = Client(Roles.FrontDesk);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/day-sheet?date=2100-12-31")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/day-sheet?date=1900-01-01")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(
            $"/therapists/{setup.TherapistId}/free-slots?from=2100-12-01&to=2100-12-31&durationMinutes=45")).StatusCode);
    }

    [Fact]
    public async Task Working_hours_with_a_null_range_are_a_400_naming_the_element()
    {
        var setup = await SetUpAsync();
        var admin = Client(Roles.Admin);
        var current = await admin.GetAsync($"/therapists/{setup.TherapistId}/working-hours");
        var request = new HttpRequestMessage(HttpMethod.Put, $"/therapists/{setup.TherapistId}/working-hours")
        {
            Content = new StringContent("{\"ranges\":[null]}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.Tag);
        await AssertFieldRefusedAsync(await admin.SendAsync(request), "ranges[0]");
        Assert.Equal(5, await CountAsync(db => db.WorkingHours));
    }

    [Theory]
    [InlineData("fatigue")]
    [InlineData("increased-pain")]
    [InlineData("other")]
    public async Task An_adverse_event_description_longer_than_its_column_is_a_400_for_every_code(string code)
    {
        var setup = await SetUpAsync();
        var response = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/episodes/{setup.EpisodeId}/adverse-events", new
        {
            occurredOn = "2027-03-01", severity = "mild", relatedness = "not-related", code, description = new string('x', 100_000),
        });
        await AssertFieldRefusedAsync(response, "description");
        Assert.Equal(0, await CountAsync(db => db.AdverseEvents));
    }

    [Fact]
    public async Task An_adverse_event_description_of_exactly_the_column_length_is_stored_on_both_providers()
    {
        var setup = await SetUpAsync();
        await using var db = Db();
        var max = db.Model.FindEntityType(typeof(ClinicApi.Data.AdverseEvent))!.FindProperty("Description")!.GetMaxLength()!.Value;
        var response = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/episodes/{setup.EpisodeId}/adverse-events", new
        {
            occurredOn = "2027-03-01", severity = "mild", relatedness = "not-related", code = "fatigue", description = new string('x', max),
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("MRN-\u00001")]
    [InlineData("pain-\u0000nrs")]
    public async Task A_NUL_inside_a_CSV_import_cell_is_a_400_and_nothing_is_imported(string cell)
    {
        var admin = Client(Roles.Admin);
        var patient = await Clinic.RegisterPatientAsync(admin, mrn: "MRN-1");
        var csv = "medical_record_number,instrument,taken_at,score,items\n" +
                  "MRN-1,pain-nrs,2027-02-01T09:00:00Z,6,\n" +
                  (cell.StartsWith("MRN", StringComparison.Ordinal) ? $"{cell},pain-nrs" : $"MRN-1,{cell}") + ",2027-02-02T09:00:00Z,5,\n";
        var response = await admin.PostAsync("/measurements/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("NUL", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(db => db.Measurements.Where(m => m.PatientId == patient.Id)));
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("1899-12-31T23:59:59Z")]
    public async Task A_screening_taken_before_the_earliest_bound_is_a_400_naming_takenAt(string takenAt)
    {
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.Admin));
        var response = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/patients/{patient.Id}/screenings", new
        {
            answers = new[] { 1, 0, 1, 0, 1, 0, 1, 0, 2 }, takenAt,
        });
        await AssertFieldRefusedAsync(response, "takenAt");
    }

    /// <summary>Kestrel answers an oversized header itself; only a real process shows what a client gets.</summary>
    [Fact]
    public async Task A_100_KB_bearer_token_is_a_431_with_a_problem_body_from_the_real_server()
    {
        await using var api = new ApiProcess(Databases.Provider, ConnectionString);
        await api.WaitReadyAsync();
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        var request = new HttpRequestMessage(HttpMethod.Get, "/patients");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new string('a', 100_000));
        var response = await client.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.RequestHeaderFieldsTooLarge);

        // A header of an ordinary size still reaches authentication.
        var ordinary = new HttpRequestMessage(HttpMethod.Get, "/patients");
        ordinary.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new string('a', 2_000));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(ordinary)).StatusCode);
    }
}
