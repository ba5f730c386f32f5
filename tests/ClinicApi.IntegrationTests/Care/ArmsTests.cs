using System.Net;
using ClinicApi.Data;
using ClinicApi.Features.Arms;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Care;

public sealed class ArmsOnSqlite() : ArmsTests(new SqliteDatabases());

public sealed class ArmsOnPostgres(PostgresServer server) : ArmsTests(new PostgresDatabases(server));

public sealed class ArmsOnSqlServer(SqlServerServer server) : ArmsTests(new SqlServerDatabases(server));

public abstract class ArmsTests(ITestDatabases databases) : ApiTest(databases)
{
    private static object ClinicArm(string code, int weeks = 8) => new
    {
        code,
        name = "Clinic hydrotherapy programme",
        sessionsPerWeek = 1,
        weeks,
        sessionKinds = new[] { "physiotherapy", "pain-education" },
        evidenceIds = Array.Empty<string>(),
    };

    [Fact]
    public async Task The_catalogue_holds_the_six_evidence_arms_with_their_protocols_for_every_role()
    {
        foreach (var role in Roles.All)
        {
            var arms = await ReadAsync<List<ArmResponse>>(await Client(role).GetAsync("/arms"));
            Assert.Equal(
                ["individualised-exercise", "individualised-exercise-cbt", "physio", "physio-behavioural", "physio-cbt", "physio-pain-education"],
                arms.Select(a => a.Code).Order(StringComparer.Ordinal));
            Assert.All(arms, a =>
            {
                Assert.True(a.IsCatalogue);
                Assert.Equal(2, a.Protocol.SessionsPerWeek);
                Assert.Equal(6, a.Protocol.Weeks);
                Assert.Equal(12, a.Protocol.PlannedSessions);
            });
        }

        var cbt = await ReadAsync<ArmResponse>(await Client(Roles.Therapist).GetAsync($"/arms/{ArmCatalogue.PhysiotherapyCbtId}"));
        Assert.Equal(
            [new ArmSessionKind(SessionKind.Physiotherapy, Competency.ExerciseTherapy), new ArmSessionKind(SessionKind.CognitiveBehaviouralTherapy, Competency.CognitiveBehaviouralTherapy)],
            cbt.Protocol.SessionKinds);
        Assert.Contains("bemani2023-cbt-pain-week22", cbt.EvidenceIds);
        Assert.Equal((18, 50), (cbt.EvidenceMinAge, cbt.EvidenceMaxAge));
    }

    [Fact]
    public async Task The_seeded_rows_match_the_arm_catalogue_in_code()
    {
        var arms = (await ReadAsync<List<ArmResponse>>(await Client(Roles.Admin).GetAsync("/arms"))).ToDictionary(a => a.Id);
        foreach (var entry in ArmCatalogue.Entries)
        {
            var arm = arms[entry.Id];
            Assert.Equal((entry.Code, entry.Name, entry.Description), (arm.Code, arm.Name, arm.Description));
            Assert.Equal(entry.Kinds, arm.Protocol.SessionKinds.Select(k => k.Kind));
            Assert.Equal(entry.EvidenceIds, arm.EvidenceIds);
            Assert.Equal((entry.MinAge, entry.MaxAge), (arm.EvidenceMinAge, arm.EvidenceMaxAge));
        }
    }

    [Fact]
    public async Task Evidence_ids_of_an_arm_must_be_in_the_catalogue_which_every_role_can_read()
    {
        var unknown = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/arms", new
        {
            code = "clinic-evidence", name = "x", sessionsPerWeek = 2, weeks = 6, sessionKinds = new[] { "physiotherapy" },
            evidenceIds = new[] { "fleckenstein2022-press-multimodal-success" },
        });
        Assert.Contains("evidenceIds[0]", await AssertValidationProblemAsync(unknown));
        var known = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/arms", new
        {
            code = "clinic-evidence", name = "x", sessionsPerWeek = 2, weeks = 6, sessionKinds = new[] { "physiotherapy" },
            evidenceIds = new[] { "ho2022-cbt-pain-post" },
        });
        Assert.Equal(HttpStatusCode.Created, known.StatusCode);

        foreach (var role in Roles.All)
        {
            var entry = await Client(role).GetAsync("/evidence/bemani2023-cbt-pain-week22");
            Assert.Equal(HttpStatusCode.OK, entry.StatusCode);
            var body = System.Text.Json.JsonDocument.Parse(await entry.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("effect", body.GetProperty("kind").GetString());
            Assert.Equal("10.1186/s42358-023-00329-9", body.GetProperty("source").GetProperty("doi").GetString());
            Assert.Equal(2.20, body.GetProperty("entry").GetProperty("estimate").GetDouble());
        }

        await AssertProblemAsync(await Client(Roles.Therapist).GetAsync("/evidence/no-such-entry"), HttpStatusCode.NotFound);
        var all = await Client(Roles.Manager).GetStringAsync("/evidence");
        Assert.Contains("ho2022-bt-pain-mid", all);
    }

    [Fact]
    public async Task Admin_adds_a_clinic_arm_others_may_not_and_bad_protocols_are_400()
    {
        var created = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/arms", ClinicArm("clinic-hydro"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var arm = await ReadAsync<ArmResponse>(created);
        Assert.False(arm.IsCatalogue);
        Assert.Equal(8, arm.Protocol.PlannedSessions);

        await AssertProblemAsync(await SendAsync(Client(Roles.Therapist), HttpMethod.Post, "/arms", ClinicArm("other")), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/arms", ClinicArm("clinic-hydro")), HttpStatusCode.Conflict);
        var invalid = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/arms", new
        {
            code = "Not Kebab", name = "", sessionsPerWeek = 0, weeks = 60, sessionKinds = Array.Empty<string>(), evidenceIds = new[] { "Bad Id" },
        });
        Assert.Equivalent(new[] { "code", "name", "sessionsPerWeek", "weeks", "sessionKinds", "evidenceIds[0]" }, await AssertValidationProblemAsync(invalid), strict: true);
        await AssertProblemAsync(await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/arms", new { code = "x", sessionKinds = new[] { "yoga" } }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Catalogue_arms_and_arms_in_use_keep_their_protocol_unused_clinic_arms_may_change_or_go()
    {
        var admin = Client(Roles.Admin);
        var catalogue = await admin.GetAsync($"/arms/{ArmCatalogue.PhysiotherapyId}");
        await AssertProblemAsync(await SendAsync(admin, HttpMethod.Put, $"/arms/{ArmCatalogue.PhysiotherapyId}", ClinicArm("physio", 9), catalogue.Headers.ETag!.Tag), HttpStatusCode.Conflict);
        await AssertProblemAsync(await SendAsync(admin, HttpMethod.Delete, $"/arms/{ArmCatalogue.PhysiotherapyId}", ifMatch: catalogue.Headers.ETag!.Tag), HttpStatusCode.Conflict);

        var unused = await SendAsync(admin, HttpMethod.Post, "/arms", ClinicArm("clinic-unused"));
        var unusedArm = await ReadAsync<ArmResponse>(unused);
        var changed = await SendAsync(admin, HttpMethod.Put, $"/arms/{unusedArm.Id}", ClinicArm("clinic-unused", 10), unused.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(10, (await ReadAsync<ArmResponse>(changed)).Protocol.Weeks);
        await AssertProblemAsync(await SendAsync(admin, HttpMethod.Delete, $"/arms/{unusedArm.Id}"), HttpStatusCode.PreconditionRequired);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(admin, HttpMethod.Delete, $"/arms/{unusedArm.Id}", ifMatch: changed.Headers.ETag!.Tag)).StatusCode);
        await AssertProblemAsync(await admin.GetAsync($"/arms/{unusedArm.Id}"), HttpStatusCode.NotFound);

        var used = await SendAsync(admin, HttpMethod.Post, "/arms", ClinicArm("clinic-used"));
        var usedArm = await ReadAsync<ArmResponse>(used);
        var therapist = await Clinic.CreateTherapistAsync(admin, "exercise-therapy", "pain-education");
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var enrolled = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/episodes",
            new { patientId = patient.Id, armId = usedArm.Id, primaryTherapistId = therapist.Id, startDate = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), referralReason = "GP referral" });
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);

        await AssertProblemAsync(await SendAsync(admin, HttpMethod.Put, $"/arms/{usedArm.Id}", ClinicArm("clinic-used", 12), used.Headers.ETag!.Tag), HttpStatusCode.Conflict);
        await AssertProblemAsync(await SendAsync(admin, HttpMethod.Delete, $"/arms/{usedArm.Id}", ifMatch: used.Headers.ETag!.Tag), HttpStatusCode.Conflict);
        Assert.Equal(8, (await ReadAsync<ArmResponse>(await admin.GetAsync($"/arms/{usedArm.Id}"))).Protocol.Weeks);
    }
}
