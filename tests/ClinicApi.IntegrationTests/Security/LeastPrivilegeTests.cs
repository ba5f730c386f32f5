using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ClinicApi.Data;
using ClinicApi.Features.Audit;
using ClinicApi.Features.Scheduling;
using ClinicApi.Features.Therapists;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicApi.IntegrationTests.Security;

public sealed class LeastPrivilegeOnSqlite() : LeastPrivilegeTests(new SqliteDatabases());

public sealed class LeastPrivilegeOnPostgres(PostgresServer server) : LeastPrivilegeTests(new PostgresDatabases(server));

/// <summary>
/// The least-privilege rules of issue 17 that each closed a gap found by probing: a therapist's own schedule,
/// time-off reasons, identity (a user id in every token, an active linked record for a therapist), the explicit
/// patient-data classification of every endpoint, and the OpenAPI document hidden in Production.
/// </summary>
public abstract class LeastPrivilegeTests(ITestDatabases databases) : ApiTest(databases)
{
    private async Task<(TherapistResponse A, TherapistResponse B)> TwoTherapistsAsync()
    {
        var admin = Client(Roles.Admin);
        return (await Clinic.CreateTherapistAsync(admin, "exercise-therapy"), await Clinic.CreateTherapistAsync(admin, "exercise-therapy"));
    }

    private static object Hours(int start) => new { ranges = new[] { new { weekday = "monday", startsAt = $"{start:00}:00", endsAt = "17:00" } } };

    private static object TimeOff(string reason) => new { startsAt = "2030-01-07T09:00:00Z", endsAt = "2030-01-07T12:00:00Z", reason };

    [Fact]
    public async Task A_therapist_changes_only_their_own_schedule_and_front_desk_and_admin_change_anyones()
    {
        var (a, b) = await TwoTherapistsAsync();
        var etag = (await Client(Roles.Admin).GetAsync($"/therapists/{b.Id}/working-hours")).Headers.ETag!.Tag;

        await AssertProblemAsync(await SendAsync(As(a), HttpMethod.Put, $"/therapists/{b.Id}/working-hours", Hours(8), etag), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await SendAsync(As(a), HttpMethod.Post, $"/therapists/{b.Id}/time-off", TimeOff("Dentist")), HttpStatusCode.Forbidden);
        // A therapist token linked to no therapist record changes nobody's schedule either.
        await AssertProblemAsync(await SendAsync(Client(Roles.Therapist), HttpMethod.Put, $"/therapists/{b.Id}/working-hours", Hours(8), etag), HttpStatusCode.Forbidden);

        var own = await SendAsync(As(b), HttpMethod.Put, $"/therapists/{b.Id}/working-hours", Hours(8), etag);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var added = await SendAsync(As(b), HttpMethod.Post, $"/therapists/{b.Id}/time-off", TimeOff("Dentist"));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var timeOff = await ReadAsync<TimeOffResponse>(added);
        await AssertProblemAsync(await SendAsync(As(a), HttpMethod.Delete, $"/therapists/{b.Id}/time-off/{timeOff.Id}"), HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Client(Roles.FrontDesk), HttpMethod.Put, $"/therapists/{b.Id}/working-hours", Hours(9), own.Headers.ETag!.Tag)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(Client(Roles.Admin), HttpMethod.Delete, $"/therapists/{b.Id}/time-off/{timeOff.Id}")).StatusCode);

        // Every attempt is in the audit trail, the refused ones as denied.
        await FlushAuditAsync();
        await using var db = Db();
        var rows = await db.AuditEvents.AsNoTracking().Where(e => e.ResourceType == SchedulingEndpoints.ScheduleAudit && e.ResourceId == b.Id).ToListAsync();
        Assert.Equal(4, rows.Count(r => r.Outcome == AuditOutcome.Denied));
        Assert.Equal(4, rows.Count(r => r.Outcome == AuditOutcome.Allowed));
    }

    [Fact]
    public async Task Time_off_reasons_are_for_the_therapist_front_desk_and_admin_only()
    {
        var (a, b) = await TwoTherapistsAsync();
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(As(b), HttpMethod.Post, $"/therapists/{b.Id}/time-off", TimeOff("Hospital appointment"))).StatusCode);
        var url = $"/therapists/{b.Id}/time-off";

        var colleague = await As(a).GetFromJsonAsync<List<TimeOffResponse>>(url, Json);
        Assert.Null(Assert.Single(colleague!).Reason);
        Assert.Equal("Hospital appointment", Assert.Single((await As(b).GetFromJsonAsync<List<TimeOffResponse>>(url, Json))!).Reason);
        Assert.Equal("Hospital appointment", Assert.Single((await Client(Roles.FrontDesk).GetFromJsonAsync<List<TimeOffResponse>>(url, Json))!).Reason);
    }

    public static TheoryData<string> BadSubjects() => ["", "   ", "not-a-guid", "00000000-0000-0000-0000-000000000000", "auth0|12345"];

    [Theory]
    [MemberData(nameof(BadSubjects))]
    public async Task A_token_whose_subject_is_not_a_user_id_is_refused(string subject)
    {
        var options = Factory.Services.GetRequiredService<AuthOptions>();
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevelopmentTokens.Create(options, subject, Roles.Admin, DateTime.UtcNow, TimeSpan.FromMinutes(5)));

        await AssertProblemAsync(await client.GetAsync("/therapists"), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, "/arms", new { code = "x" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_therapist_token_without_an_active_linked_record_reaches_no_intake_patient()
    {
        var (a, b) = await TwoTherapistsAsync();
        var intake = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var unlinked = Client(Roles.Therapist);
        var enrolment = new { patientId = intake.Id, armId = ClinicApi.Features.Arms.ArmCatalogue.PhysiotherapyId, primaryTherapistId = b.Id, startDate = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), referralReason = "GP referral" };

        await AssertProblemAsync(await unlinked.GetAsync($"/patients/{intake.Id}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(unlinked, HttpMethod.Post, $"/patients/{intake.Id}/screenings", new { answers = new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0 } }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(unlinked, HttpMethod.Post, "/episodes", enrolment), HttpStatusCode.NotFound);
        Assert.DoesNotContain(intake.Id, (await unlinked.GetFromJsonAsync<JsonElement>("/patients", Json)).GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));

        // The same for a therapist whose record was deactivated; an active linked therapist opens the intake queue.
        var etag = (await Client(Roles.Admin).GetAsync($"/therapists/{a.Id}")).Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/therapists/{a.Id}/deactivate", null, etag)).StatusCode);
        await AssertProblemAsync(await As(a).GetAsync($"/patients/{intake.Id}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await As(b).GetAsync($"/patients/{intake.Id}")).StatusCode);
    }

    /// <summary>
    /// Whether an endpoint carries patient data is a decision, made for every endpoint: patient data (audited,
    /// care-team checked where its id leads to a patient) or explicitly not. An undecided endpoint fails here.
    /// </summary>
    [Fact]
    public void Every_endpoint_is_classified_as_patient_data_or_explicitly_not()
    {
        var undecided = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<AuditedAttribute>() is null && e.Metadata.GetMetadata<NotPatientDataAttribute>() is null)
            .Where(e => !(e.RoutePattern.RawText ?? string.Empty).StartsWith("swagger", StringComparison.Ordinal))
            .Select(e => e.RoutePattern.RawText).ToList();
        Assert.True(undecided.Count == 0, $"No patient-data decision for: {string.Join(", ", undecided)} (PatientDataRoutes)");

        var both = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<NotPatientDataAttribute>() is not null && e.Metadata.GetMetadata<AuditedAttribute>() is { } a && a.ResourceType != SchedulingEndpoints.ScheduleAudit)
            .Select(e => e.RoutePattern.RawText).ToList();
        Assert.True(both.Count == 0, $"Classified both ways: {string.Join(", ", both)}");
    }

    [Fact]
    public async Task The_allocation_audit_of_a_study_is_audited_as_patient_data()
    {
        var created = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/studies", new
        {
            name = "Audit study", armIds = new[] { ClinicApi.Features.Arms.ArmCatalogue.PhysiotherapyId, ClinicApi.Features.Arms.ArmCatalogue.PhysiotherapyCbtId }, ratios = new[] { 1, 1 },
        });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await Client(Roles.Admin).GetAsync($"/studies/{id}/audit")).StatusCode);

        await FlushAuditAsync();
        await using var db = Db();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "AuditStudy" && e.ResourceId == id));
    }

    [Fact]
    public async Task The_OpenAPI_document_and_Swagger_UI_are_off_in_Production_unless_exposed()
    {
        await using var production = CreateFactory(ConnectionString, environment: "Production");
        production.Settings["Auth:Authority"] = "https://identity.clinic.example";
        // Not served: no such endpoint, so the fallback policy asks for a token (401) or routing finds nothing (404).
        foreach (var path in new[] { OpenApiSetup.DocumentPath, "/swagger/index.html" })
        {
            var status = (await production.CreateClient().GetAsync(path)).StatusCode;
            Assert.True(status is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"{path} answered {status} in Production");
        }

        await using var exposed = CreateFactory(ConnectionString, environment: "Production");
        exposed.Settings["Auth:Authority"] = "https://identity.clinic.example";
        exposed.Settings["OpenApi:Expose"] = "true";
        Assert.Equal(HttpStatusCode.OK, (await exposed.CreateClient().GetAsync(OpenApiSetup.DocumentPath)).StatusCode);
    }

    /// <summary>
    /// The takeover found by probing: therapist A booked B's patient with themself and from then on read the whole
    /// record. Booking grants nothing now; a therapist books only patients in their care, with themself or the
    /// patient's primary therapist; and a therapist's access lapses once the episode ended beyond the follow-up horizon.
    /// </summary>
    [Fact]
    public async Task Booking_grants_no_access_names_only_the_care_team_and_access_lapses_after_the_horizon()
    {
        var clock = new TestClock(new DateTimeOffset(2027, 3, 1, 7, 0, 0, TimeSpan.Zero));
        clock.Install(Factory);
        var (a, b) = await TwoTherapistsAsync();
        await Clinic.SetWeekdayHoursAsync(Client(Roles.Admin), a.Id);
        await Clinic.SetWeekdayHoursAsync(Client(Roles.Admin), b.Id);
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var enrolled = await SendAsync(As(b), HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id, armId = ClinicApi.Features.Arms.ArmCatalogue.PhysiotherapyId, primaryTherapistId = b.Id, startDate = "2027-03-01", referralReason = "GP referral",
        });
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        var episode = JsonDocument.Parse(await enrolled.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        object Booking(Guid therapist, int hour) => new
        {
            patientId = patient.Id, therapistId = therapist, episodeId = episode, kind = "physiotherapy", startsAt = new DateTime(2027, 3, 2, hour, 0, 0, DateTimeKind.Utc), durationMinutes = 45,
        };

        await AssertProblemAsync(await SendAsync(As(a), HttpMethod.Post, "/sessions", Booking(a.Id, 9)), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(As(b), HttpMethod.Post, "/sessions", Booking(a.Id, 9)), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, "/sessions", Booking(a.Id, 10))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(As(b), HttpMethod.Post, "/sessions", Booking(b.Id, 11))).StatusCode);
        // A now has a session with the patient, booked by the front desk: still no access to the record.
        await AssertProblemAsync(await As(a).GetAsync($"/patients/{patient.Id}"), HttpStatusCode.NotFound);
        Assert.DoesNotContain(patient.Id, (await As(a).GetFromJsonAsync<JsonElement>("/patients", Json)).GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));

        // The episode ends: B keeps access through the follow-up horizon (56 weeks by default), then loses it.
        var etag = (await Client(Roles.Admin).GetAsync($"/episodes/{episode}")).Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(As(b), HttpMethod.Post, $"/episodes/{episode}/complete", new { endDate = "2027-03-01" }, etag)).StatusCode);
        clock.Advance(TimeSpan.FromDays(7 * 56));
        Assert.Equal(HttpStatusCode.OK, (await As(b).GetAsync($"/patients/{patient.Id}")).StatusCode);
        clock.Advance(TimeSpan.FromDays(2));
        await AssertProblemAsync(await As(b).GetAsync($"/patients/{patient.Id}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await Client(Roles.FrontDesk).GetAsync($"/patients/{patient.Id}")).StatusCode);
    }

    /// <summary>Front desk: demographics, contact and scheduling data, never clinical flags, notes, referral reasons or warnings.</summary>
    [Fact]
    public async Task The_front_desk_gets_every_clinical_member_as_null_and_clinicians_get_them()
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy", "cognitive-behavioural-therapy");
        var registered = await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = "MRN-FIELDS-1", givenName = "Ada", familyName = "Lovelace", dateOfBirth = "1980-02-03", sex = "female",
            painDurationWeeks = 4, hasAnxiety = true, hasDepression = true, notes = "Referral letter mentions panic attacks.",
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var patientId = JsonDocument.Parse(await registered.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var enrolled = await SendAsync(As(therapist), HttpMethod.Post, "/episodes", new
        {
            patientId, armId = ClinicApi.Features.Arms.ArmCatalogue.PhysiotherapyCbtId, primaryTherapistId = therapist.Id,
            startDate = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), referralReason = "Low back pain with anxiety",
        });
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        var episodeId = JsonDocument.Parse(await enrolled.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        string[] patientClinical = ["hasAnxiety", "hasDepression", "notes"];
        string[] episodeClinical = ["referralReason", "warnings"];
        foreach (var (url, members) in new[] { ($"/patients/{patientId}", patientClinical), ($"/episodes/{episodeId}", episodeClinical) })
        {
            var desk = await Client(Roles.FrontDesk).GetFromJsonAsync<JsonElement>(url, Json);
            var clinician = await As(therapist).GetFromJsonAsync<JsonElement>(url, Json);
            foreach (var member in members)
            {
                Assert.Equal(JsonValueKind.Null, desk.GetProperty(member).ValueKind);
                Assert.NotEqual(JsonValueKind.Null, clinician.GetProperty(member).ValueKind);
            }

            Assert.Equal(clinician.GetProperty("id").GetGuid(), desk.GetProperty("id").GetGuid());
        }

        var listed = await Client(Roles.FrontDesk).GetFromJsonAsync<JsonElement>("/patients?mrn=MRN-FIELDS-1", Json);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("items")[0].GetProperty("notes").ValueKind);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(await registered.Content.ReadAsStringAsync()).RootElement.GetProperty("hasAnxiety").ValueKind);
        Assert.True((await Client(Roles.Admin).GetFromJsonAsync<JsonElement>($"/patients/{patientId}", Json)).GetProperty("hasAnxiety").GetBoolean());
    }

    /// <summary>Care-team membership as data: the primary therapist adds a colleague with a reason, access follows it, ending it ends access.</summary>
    [Fact]
    public async Task Care_team_members_are_added_and_ended_with_a_reason_and_access_follows_them()
    {
        var clock = new TestClock(new DateTimeOffset(2027, 3, 1, 7, 0, 0, TimeSpan.Zero));
        clock.Install(Factory);
        var (a, b) = await TwoTherapistsAsync();
        var outsider = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        await Clinic.SetWeekdayHoursAsync(Client(Roles.Admin), a.Id);
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var enrolled = await SendAsync(As(b), HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id, armId = ClinicApi.Features.Arms.ArmCatalogue.PhysiotherapyId, primaryTherapistId = b.Id, startDate = "2027-03-01", referralReason = "GP referral",
        });
        var episode = JsonDocument.Parse(await enrolled.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var team = $"/patients/{patient.Id}/care-team";

        await AssertProblemAsync(await As(a).GetAsync($"/patients/{patient.Id}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(As(outsider), HttpMethod.Post, team, new { therapistId = outsider.Id, reason = "Taking over" }), HttpStatusCode.NotFound);
        var added = await SendAsync(As(b), HttpMethod.Post, team, new { therapistId = a.Id, reason = "Delivers the CBT sessions" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var member = JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        await AssertProblemAsync(await SendAsync(As(b), HttpMethod.Post, team, new { therapistId = a.Id, reason = "Twice" }), HttpStatusCode.Conflict);

        // A member reaches the record and books with themself, but does not add members.
        Assert.Equal(HttpStatusCode.OK, (await As(a).GetAsync($"/patients/{patient.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(As(a), HttpMethod.Post, "/sessions", new
        {
            patientId = patient.Id, therapistId = a.Id, episodeId = episode, kind = "physiotherapy", startsAt = new DateTime(2027, 3, 2, 9, 0, 0, DateTimeKind.Utc), durationMinutes = 45,
        })).StatusCode);
        await AssertProblemAsync(await SendAsync(As(a), HttpMethod.Post, team, new { therapistId = outsider.Id, reason = "Cover" }), HttpStatusCode.Forbidden);
        var listed = await As(b).GetFromJsonAsync<JsonElement>(team, Json);
        Assert.Equal(b.Id, listed.GetProperty("primary")[0].GetProperty("therapistId").GetGuid());
        Assert.Equal(a.Id, listed.GetProperty("members")[0].GetProperty("therapistId").GetGuid());
        Assert.True(listed.GetProperty("members")[0].GetProperty("active").GetBoolean());

        // Ended: access ends with it, the history stays, and the export and the audit trail show both changes.
        var ended = await SendAsync(As(b), HttpMethod.Post, $"{team}/{member}/end", new { reason = "The CBT block is complete" });
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        await AssertProblemAsync(await SendAsync(As(b), HttpMethod.Post, $"{team}/{member}/end", new { reason = "Again" }), HttpStatusCode.Conflict);
        await AssertProblemAsync(await As(a).GetAsync($"/patients/{patient.Id}"), HttpStatusCode.NotFound);
        var export = await Client(Roles.Admin).GetFromJsonAsync<JsonElement>($"/patients/{patient.Id}/export", Json);
        var history = Assert.Single(export.GetProperty("careTeam").EnumerateArray());
        Assert.Equal("Delivers the CBT sessions", history.GetProperty("reason").GetString());
        Assert.Equal("The CBT block is complete", history.GetProperty("endReason").GetString());
        Assert.False(history.GetProperty("active").GetBoolean());
        var actions = export.GetProperty("accesses").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("AddCareTeamMember", actions);
        Assert.Contains("EndCareTeamMember", actions);
    }

    [Fact]
    public async Task A_planned_end_lapses_the_membership_by_itself()
    {
        var clock = new TestClock(new DateTimeOffset(2027, 3, 1, 7, 0, 0, TimeSpan.Zero));
        clock.Install(Factory);
        var (a, b) = await TwoTherapistsAsync();
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        // In B's care (not in the intake queue, which any therapist may open).
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(As(b), HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id, armId = ClinicApi.Features.Arms.ArmCatalogue.PhysiotherapyId, primaryTherapistId = b.Id, startDate = "2027-03-01", referralReason = "GP referral",
        })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/patients/{patient.Id}/care-team",
            new { therapistId = a.Id, reason = "Locum for two weeks", endsOn = "2027-03-14" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await As(a).GetAsync($"/patients/{patient.Id}")).StatusCode);
        clock.Advance(TimeSpan.FromDays(14));
        await AssertProblemAsync(await As(a).GetAsync($"/patients/{patient.Id}"), HttpStatusCode.NotFound);
    }
}
