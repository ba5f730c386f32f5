using System.Net;
using ClinicApi.Data;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Episodes;
using ClinicApi.Features.Measurements;
using ClinicApi.Features.Patients;
using ClinicApi.Features.Scheduling;
using ClinicApi.Features.Therapists;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Security;

public sealed class CareTeamOnSqlite() : CareTeamTests(new SqliteDatabases());

public sealed class CareTeamOnPostgres(PostgresServer server) : CareTeamTests(new PostgresDatabases(server));

public sealed class CareTeamOnSqlServer(SqlServerServer server) : CareTeamTests(new SqlServerDatabases(server));

/// <summary>
/// Object-level access: therapist A tries every route that reaches patient data on therapist B's patient and
/// gets 404, as if nothing were there; B gets through. Routes come from the live endpoint list and the same
/// table the API applies (PatientDataRoutes), so a new patient-data route is covered by this test at once.
/// </summary>
public abstract class CareTeamTests(ITestDatabases databases) : ApiTest(databases)
{
    private readonly TestClock _clock = new(new DateTimeOffset(2027, 3, 1, 7, 0, 0, TimeSpan.Zero));

    private sealed record World(TherapistResponse A, TherapistResponse B, Guid Patient, Guid Episode, Guid Session, Guid Measurement);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _clock.Install(Factory);
    }

    private async Task<World> WorldAsync()
    {
        var a = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        var b = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        var hours = await Client(Roles.Admin).GetAsync($"/therapists/{b.Id}/working-hours");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Client(Roles.Admin), HttpMethod.Put, $"/therapists/{b.Id}/working-hours",
            new { ranges = new[] { new { weekday = "tuesday", startsAt = "08:00", endsAt = "18:00" } } }, hours.Headers.ETag!.Tag)).StatusCode);
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var asB = As(b);
        var enrolled = await SendAsync(asB, HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id, armId = ArmCatalogue.PhysiotherapyId, primaryTherapistId = b.Id, startDate = "2027-03-01", referralReason = "GP referral",
        });
        Assert.True(enrolled.StatusCode == HttpStatusCode.Created, await enrolled.Content.ReadAsStringAsync());
        var episode = await ReadAsync<EpisodeResponse>(enrolled);
        var booked = await SendAsync(asB, HttpMethod.Post, "/sessions", new
        {
            patientId = patient.Id, therapistId = b.Id, episodeId = episode.Id, kind = "physiotherapy",
            startsAt = new DateTime(2027, 3, 2, 10, 0, 0, DateTimeKind.Utc), durationMinutes = 45,
        });
        Assert.True(booked.StatusCode == HttpStatusCode.Created, await booked.Content.ReadAsStringAsync());
        var measured = await SendAsync(asB, HttpMethod.Post, $"/patients/{patient.Id}/measurements",
            new { instrument = "pain-nrs", takenAt = new DateTime(2027, 3, 1, 6, 0, 0, DateTimeKind.Utc), score = 6 });
        Assert.Equal(HttpStatusCode.Created, measured.StatusCode);
        return new World(a, b, patient.Id, episode.Id, (await ReadAsync<SessionResponse>(booked)).Id, (await ReadAsync<MeasurementResponse>(measured)).Id);
    }

    private static Guid IdFor(World world, CareResource resource) => resource switch
    {
        CareResource.Patient => world.Patient,
        CareResource.Episode => world.Episode,
        CareResource.Session => world.Session,
        _ => world.Measurement,
    };

    [Fact]
    public async Task Another_therapist_gets_404_on_every_route_to_a_patient_outside_their_care()
    {
        var world = await WorldAsync();
        var asA = As(world.A);
        var asB = As(world.B);
        var routes = Endpoints.Of(Factory).Where(e => PatientDataRoutes.Classify(e.Route) is { Care: not null }).ToList();
        Assert.True(routes.Count > 25, $"Only {routes.Count} care-team routes found.");
        var wrong = new List<string>();
        foreach (var endpoint in routes)
        {
            var url = Endpoints.Url(endpoint.Route, IdFor(world, PatientDataRoutes.Classify(endpoint.Route)!.Value.Care!.Value));
            var response = await asA.SendAsync(endpoint.Request(url));
            if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.Forbidden))
            {
                wrong.Add($"{endpoint.Key} as A: {(int)response.StatusCode}");
            }

            if (endpoint.Method == "GET" && (await asB.SendAsync(endpoint.Request(url))).StatusCode == HttpStatusCode.NotFound)
            {
                wrong.Add($"{endpoint.Key} as B (the patient's therapist): 404");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        // Nothing A tried changed anything.
        await FlushAuditAsync();
        await using var db = Db();
        Assert.Equal(1, await db.Sessions.CountAsync());
        Assert.Equal(1, await db.Measurements.CountAsync());
        Assert.Equal(EpisodeStatus.Active, (await db.Episodes.SingleAsync()).Status);
        // Every attempt is in the audit trail as denied.
        var denied = await db.AuditEvents.Where(e => e.UserId == world.A.UserId!).ToListAsync();
        Assert.Equal(routes.Count, denied.Count);
        Assert.All(denied, e => Assert.Equal(AuditOutcome.Denied, e.Outcome));
        Assert.Contains(denied, e => e.Action == "GetPatient" && e.ResourceId == world.Patient && e.StatusCode == 404);
    }

    [Fact]
    public async Task Lists_and_bodies_that_name_a_patient_respect_the_care_team()
    {
        var world = await WorldAsync();
        var asA = As(world.A);

        Assert.Empty((await ReadAsync<Page<PatientResponse>>(await asA.GetAsync("/patients"))).Items);
        Assert.Equal([world.Patient], (await ReadAsync<Page<PatientResponse>>(await As(world.B).GetAsync("/patients"))).Items.Select(p => p.Id));
        Assert.Single((await ReadAsync<Page<PatientResponse>>(await Client(Roles.FrontDesk).GetAsync("/patients"))).Items);
        Assert.Empty((await ReadAsync<DaySheet>(await asA.GetAsync("/day-sheet?date=2027-03-02"))).Therapists);
        Assert.Single((await ReadAsync<DaySheet>(await As(world.B).GetAsync("/day-sheet?date=2027-03-02"))).Therapists);
        Assert.Empty((await ReadAsync<Page<FollowUpEpisode>>(await asA.GetAsync($"/follow-ups?therapistId={world.B.Id}"))).Items);
        await AssertProblemAsync(await asA.GetAsync($"/therapists/{world.B.Id}/calendar?from=2027-03-01&to=2027-03-07"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await As(world.B).GetAsync($"/therapists/{world.B.Id}/calendar?from=2027-03-01&to=2027-03-07")).StatusCode);

        // A body naming B's patient with B in charge: A may not act for them.
        await AssertProblemAsync(await SendAsync(asA, HttpMethod.Post, "/sessions", new
        {
            patientId = world.Patient, therapistId = world.B.Id, episodeId = world.Episode, kind = "physiotherapy",
            startsAt = new DateTime(2027, 3, 2, 14, 0, 0, DateTimeKind.Utc), durationMinutes = 45,
        }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(asA, HttpMethod.Post, "/episodes", new
        {
            patientId = world.Patient, armId = ArmCatalogue.PhysiotherapyId, primaryTherapistId = world.B.Id, startDate = "2027-03-01", referralReason = "x",
        }), HttpStatusCode.NotFound);

        // A therapist user with no therapist record linked reaches no patient at all.
        var unlinked = Client(Roles.Therapist);
        await AssertProblemAsync(await unlinked.GetAsync($"/patients/{world.Patient}"), HttpStatusCode.NotFound);
        Assert.Empty((await ReadAsync<Page<PatientResponse>>(await unlinked.GetAsync("/patients"))).Items);
    }

    /// <summary>
    /// The accounting of disclosures: every call that showed or changed the patient's data (any route whose id leads
    /// to them, and every list or search whose answer names them) is in the patient's export, found by its trace id,
    /// and so are the writes that built the record (enrolment, booking, measurement, made as therapist B).
    /// </summary>
    [Fact]
    public async Task The_patients_export_accounts_for_every_read_and_write_of_their_data()
    {
        var world = await WorldAsync();
        var admin = Client(Roles.Admin);
        var disclosed = new List<(string What, string Trace)>();
        var patient = world.Patient.ToString();
        async Task CallAsync(string what, HttpRequestMessage request)
        {
            var response = await admin.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{what}: {(int)response.StatusCode} {body}");
            if (body.Contains(patient, StringComparison.OrdinalIgnoreCase) || request.RequestUri!.OriginalString.Contains(patient, StringComparison.Ordinal))
            {
                disclosed.Add((what, response.Headers.GetValues(TraceIds.HeaderName).Single()));
            }
        }

        var routes = Endpoints.Of(Factory).Where(e => e.Method == "GET" && PatientDataRoutes.Classify(e.Route) is { Care: not null }).ToList();
        foreach (var endpoint in routes)
        {
            await CallAsync(endpoint.Key, endpoint.Request(Endpoints.Url(endpoint.Route, IdFor(world, PatientDataRoutes.Classify(endpoint.Route)!.Value.Care!.Value))));
        }

        foreach (var url in new[]
                 {
                     "/patients", "/patients?search=Patient", "/day-sheet?date=2027-03-02", $"/therapists/{world.B.Id}/calendar?from=2027-03-01&to=2027-03-07",
                     $"/follow-ups?therapistId={world.B.Id}", $"/worklists/off-track?therapistId={world.B.Id}",
                 })
        {
            await CallAsync(url, new HttpRequestMessage(HttpMethod.Get, url));
        }

        Assert.True(disclosed.Count >= routes.Count + 3, $"only {disclosed.Count} calls named the patient");
        var export = await ReadAsync<PatientExport>(await admin.GetAsync($"/patients/{world.Patient}/export"));
        var accounted = export.Accesses.Select(a => a.TraceId).ToHashSet();
        var missing = disclosed.Where(d => !accounted.Contains(d.Trace)).Select(d => d.What).ToList();
        Assert.True(missing.Count == 0, $"not in the patient's accounting: {string.Join(", ", missing)}");
        Assert.All(export.Accesses, a => Assert.Equal(world.Patient, a.PatientId ?? world.Patient));
        foreach (var write in new[] { "RegisterPatient", "EnrolPatient", "BookSession", "RecordMeasurement" })
        {
            Assert.Contains(export.Accesses, a => a.Action == write && a.PatientId == world.Patient);
        }
    }
}
