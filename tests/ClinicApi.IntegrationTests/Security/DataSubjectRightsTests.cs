using System.Net;
using System.Text.Json;
using ClinicApi.Data;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Patients;
using ClinicApi.Features.Reports;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Security;

public sealed class DataSubjectRightsOnSqlite() : DataSubjectRightsTests(new SqliteDatabases());

public sealed class DataSubjectRightsOnPostgres(PostgresServer server) : DataSubjectRightsTests(new PostgresDatabases(server));

public sealed class DataSubjectRightsOnSqlServer(SqlServerServer server) : DataSubjectRightsTests(new SqlServerDatabases(server));

public abstract class DataSubjectRightsTests(ITestDatabases databases) : ApiTest(databases)
{
    private async Task<(PatientResponse Patient, Guid Episode)> PatientWithHistoryAsync()
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        var response = await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = "MRN-ERASE-1", givenName = "Wilhelmina", familyName = "Featherstonehaugh", dateOfBirth = "1977-07-19", sex = "female",
            email = "w.f@example.org", phone = "+44 20 7946 0000", notes = "Prefers morning sessions", painDurationWeeks = 30, consentToDeidentifiedReporting = true,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var patient = await ReadAsync<PatientResponse>(response);
        var enrolled = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id, armId = ArmCatalogue.PhysiotherapyId, primaryTherapistId = therapist.Id,
            startDate = DateTime.UtcNow.AddDays(-50).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            referralReason = "Referred by Dr Featherstonehaugh's colleague",
        });
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        var episode = JsonDocument.Parse(await enrolled.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        foreach (var (days, score) in new[] { (50, 7), (8, 3) })
        {
            var measured = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/patients/{patient.Id}/measurements",
                new { instrument = "pain-nrs", takenAt = DateTime.UtcNow.AddDays(-days), score });
            Assert.Equal(HttpStatusCode.Created, measured.StatusCode);
        }

        return (patient, episode);
    }

    [Fact]
    public async Task An_admin_exports_everything_held_about_a_patient()
    {
        var (patient, episode) = await PatientWithHistoryAsync();

        var response = await Client(Roles.Admin).GetAsync($"/patients/{patient.Id}/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var export = await ReadAsync<PatientExport>(response);
        Assert.Equal(("Featherstonehaugh", "Prefers morning sessions"), (export.Patient.FamilyName, export.Notes));
        Assert.Equal(episode, Assert.Single(export.Episodes).Id);
        Assert.Equal(2, export.Measurements.Count);
        Assert.NotEmpty(export.Accesses);
        await AssertProblemAsync(await Client(Roles.FrontDesk).GetAsync($"/patients/{patient.Id}/export"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await Client(Roles.Admin).GetAsync($"/patients/{Guid.CreateVersion7()}/export"), HttpStatusCode.NotFound);
        await FlushAuditAsync();
        await using var db = Db();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "ExportPatient" && e.ResourceId == patient.Id && e.Outcome == AuditOutcome.Allowed));
    }

    [Fact]
    public async Task Erasure_pseudonymises_identity_and_keeps_de_identified_outcomes()
    {
        var (patient, _) = await PatientWithHistoryAsync();
        var admin = Client(Roles.Admin);
        var url = $"/patients/{patient.Id}/erase";
        var etag = (await admin.GetAsync($"/patients/{patient.Id}")).Headers.ETag!.Tag;

        await AssertProblemAsync(await SendAsync(admin, HttpMethod.Post, url, new { reason = "Request 42" }), HttpStatusCode.PreconditionRequired);
        Assert.Equal(["reason"], await AssertValidationProblemAsync(await SendAsync(admin, HttpMethod.Post, url, new { }, etag)));
        await AssertProblemAsync(await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, url, new { reason = "Request 42" }, etag), HttpStatusCode.Forbidden);
        var erased = await SendAsync(admin, HttpMethod.Post, url, new { reason = "Request 42" }, etag);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        await AssertProblemAsync(await SendAsync(admin, HttpMethod.Post, url, new { reason = "Again" }, erased.Headers.ETag!.Tag), HttpStatusCode.Conflict);

        var everything = await (await admin.GetAsync($"/patients/{patient.Id}/export")).Content.ReadAsStringAsync();
        // The phone number whole: four digits alone also turn up by chance inside the export's many GUIDs.
        foreach (var identifying in new[] { "Wilhelmina", "Featherstonehaugh", "MRN-ERASE-1", "1977-07-19", "w.f@example.org", "+44 20 7946 0000", "7946 0000", "Prefers morning" })
        {
            Assert.DoesNotContain(identifying, everything);
        }

        await using var db = Db();
        var stored = await db.Patients.SingleAsync();
        Assert.Equal((new DateOnly(1977, 1, 1), PatientStatus.Archived), (stored.DateOfBirth, stored.Status));
        Assert.NotNull(stored.ErasedAt);
        Assert.Equal("[erased]", (await db.Episodes.SingleAsync()).ReferralReason);
        // Outcomes stay, de-identified, and still count in the clinic's reports.
        Assert.Equal(2, await db.Measurements.CountAsync());
        var cohort = await ReadAsync<CohortReportResponse>(await Client(Roles.Manager).GetAsync("/reports/cohort"));
        Assert.Equal(1, cohort.EpisodesIncluded);
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "ErasePatient" && e.ResourceId == patient.Id && e.Outcome == AuditOutcome.Allowed));
    }
}
