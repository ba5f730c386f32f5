using System.Net;
using ClinicApi.Data;
using ClinicApi.Features.Audit;
using ClinicApi.Features.Patients;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Security;

public sealed class AuditTrailOnSqlite() : AuditTrailTests(new SqliteDatabases());

public sealed class AuditTrailOnPostgres(PostgresServer server) : AuditTrailTests(new PostgresDatabases(server));

public sealed class AuditTrailOnSqlServer(SqlServerServer server) : AuditTrailTests(new SqlServerDatabases(server));

public abstract class AuditTrailTests(ITestDatabases databases) : ApiTest(databases)
{
    private async Task<List<AuditEvent>> EventsAsync()
    {
        await FlushAuditAsync();
        await using var db = Db();
        return await db.AuditEvents.OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task Reads_writes_refusals_and_failures_of_patient_data_are_each_recorded_once()
    {
        var frontDesk = Guid.CreateVersion7();
        var client = Client(Roles.FrontDesk, frontDesk);
        var created = await SendAsync(client, HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = "MRN-AUDIT-1", givenName = "Audit", familyName = "Trail", dateOfBirth = "1970-01-01", sex = "male",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var patient = await ReadAsync<PatientResponse>(created);
        var read = await client.GetAsync($"/patients/{patient.Id}");
        var duplicate = await SendAsync(client, HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = "MRN-AUDIT-1", givenName = "Other", familyName = "Person", dateOfBirth = "1970-01-01", sex = "male",
        });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(Roles.Manager).GetAsync($"/patients/{patient.Id}")).StatusCode);
        // Not patient data: not audited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/arms")).StatusCode);

        var events = await EventsAsync();
        Assert.Equal(4, events.Count);
        var (write, get, failed, denied) = (events[0], events[1], events[2], events[3]);
        // The write's row went in with the patient, in the same transaction, before any status existed.
        Assert.Equal(("RegisterPatient", "patient", patient.Id, AuditOutcome.Allowed, (int?)null, frontDesk.ToString(), Roles.FrontDesk),
            (write.Action, write.ResourceType, write.ResourceId, write.Outcome, write.StatusCode, write.UserId, write.Role));
        Assert.Equal(created.Headers.GetValues(TraceIds.HeaderName).Single(), write.TraceId);
        Assert.Equal(("GetPatient", patient.Id, AuditOutcome.Allowed, (int?)200), (get.Action, get.ResourceId, get.Outcome, get.StatusCode));
        Assert.Equal(read.Headers.GetValues(TraceIds.HeaderName).Single(), get.TraceId);
        Assert.Equal(("RegisterPatient", AuditOutcome.Failed, (int?)409, (Guid?)null), (failed.Action, failed.Outcome, failed.StatusCode, failed.ResourceId));
        Assert.Equal((Roles.Manager, AuditOutcome.Denied, (int?)403), (denied.Role, denied.Outcome, denied.StatusCode));
    }

    [Fact]
    public async Task Parallel_reads_are_each_recorded_once_and_stopping_the_api_writes_what_is_still_queued()
    {
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var reader = Guid.CreateVersion7();
        await using var api = CreateFactory(ConnectionString);
        api.Settings["Security:PermitsPerMinute"] = "100000";
        api.Settings["Security:Burst"] = "100000";
        var client = ClientFor(api, Roles.FrontDesk, reader);
        var reads = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => client.GetAsync($"/patients/{patient.Id}")));
        Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        // No flush: a graceful stop (what a deployment's SIGTERM does) drains the batching writer.
        await api.DisposeAsync();
        await using var db = Db();
        var traces = await db.AuditEvents.Where(e => e.UserId == reader.ToString()).Select(e => e.TraceId).ToListAsync();
        Assert.Equal(300, traces.Count);
        Assert.Equal(reads.Select(r => r.Headers.GetValues(TraceIds.HeaderName).Single()).Order(), traces.Order());
    }

    [Fact]
    public async Task Admins_query_the_trail_with_filters_and_a_cursor_and_nobody_else_can()
    {
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var reader = Guid.CreateVersion7();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Client(Roles.FrontDesk, reader).GetAsync($"/patients/{patient.Id}")).StatusCode);
        }

        var admin = Client(Roles.Admin);
        var first = await ReadAsync<Page<AuditEventResponse>>(await admin.GetAsync($"/audit?userId={reader}&limit=3"));
        Assert.Equal(3, first.Items.Count);
        Assert.All(first.Items, e => Assert.Equal(("GetPatient", patient.Id), (e.Action, e.ResourceId)));
        var second = await ReadAsync<Page<AuditEventResponse>>(await admin.GetAsync($"/audit?userId={reader}&limit=3&cursor={first.NextCursor}"));
        Assert.Equal(2, second.Items.Count);
        Assert.Null(second.NextCursor);
        Assert.Empty(first.Items.Select(e => e.Id).Intersect(second.Items.Select(e => e.Id)));
        Assert.Equal(6, (await ReadAsync<Page<AuditEventResponse>>(await admin.GetAsync($"/audit?resourceType=patient&resourceId={patient.Id}"))).Items.Count);
        Assert.Empty((await ReadAsync<Page<AuditEventResponse>>(await admin.GetAsync("/audit?outcome=denied"))).Items);
        Assert.Equal(["outcome"], await AssertValidationProblemAsync(await admin.GetAsync("/audit?outcome=maybe")));

        foreach (var role in new[] { Roles.FrontDesk, Roles.Therapist, Roles.Manager })
        {
            await AssertProblemAsync(await Client(role).GetAsync("/audit"), HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Nothing_can_change_or_delete_the_trail()
    {
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        // The API has no route that writes to it: /audit answers GET only.
        var routes = Endpoints.Of(Factory).Where(e => e.Route.StartsWith("/audit", StringComparison.Ordinal)).Select(e => e.Key).ToList();
        Assert.Equal(["GET /audit"], routes);
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Post, HttpMethod.Patch })
        {
            var status = (await Client(Roles.Admin).SendAsync(new HttpRequestMessage(method, "/audit"))).StatusCode;
            Assert.True(status is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, $"{method} /audit: {status}");
        }

        // And the database itself refuses, whoever asks.
        await FlushAuditAsync();
        await using var db = Db();
        var before = await db.AuditEvents.CountAsync();
        Assert.True(before > 0);
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE audit_events SET outcome = 'Allowed'"));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_events"));
        await using var after = Db();
        Assert.Equal(before, await after.AuditEvents.CountAsync());
        Assert.Equal(patient.Id, (await after.AuditEvents.FirstAsync()).ResourceId);
    }
}
