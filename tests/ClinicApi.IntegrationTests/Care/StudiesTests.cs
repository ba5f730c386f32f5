using System.Globalization;
using System.Net;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Studies;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using ClinicApi.Outcomes;

namespace ClinicApi.IntegrationTests.Care;

public sealed class StudiesOnSqlite() : StudiesTests(new SqliteDatabases());

public sealed class StudiesOnPostgres(PostgresServer server) : StudiesTests(new PostgresDatabases(server));

public sealed class StudiesOnSqlServer(SqlServerServer server) : StudiesTests(new SqlServerDatabases(server));

public abstract class StudiesTests(ITestDatabases databases) : ApiTest(databases)
{
    private const long Seed = 20261121;
    private static readonly int[] s_lowRisk = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly int[] s_highRisk = [1, 1, 1, 1, 1, 1, 1, 1, 4];

    private async Task<(StudyResponse Study, string ETag)> CreateStudyAsync()
    {
        var response = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/studies", new
        {
            name = "Physio vs physio + CBT",
            armIds = new[] { ArmCatalogue.PhysiotherapyId, ArmCatalogue.PhysiotherapyCbtId },
            ratios = new[] { 1, 1 },
            blockMultipliers = new[] { 1, 2 },
            seed = Seed,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync<StudyResponse>(response), response.Headers.ETag!.Tag);
    }

    private async Task<Guid> ScreenedPatientAsync(int[] answers)
    {
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var screened = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/patients/{patient.Id}/screenings", new { answers });
        Assert.Equal(HttpStatusCode.Created, screened.StatusCode);
        return patient.Id;
    }

    private static object Enrolment(Guid patientId, Guid therapistId) => new
    {
        patientId,
        primaryTherapistId = therapistId,
        startDate = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        referralReason = "Study recruitment",
    };

    [Fact]
    public async Task Allocations_follow_the_seeded_stratified_sequence_and_the_audit_recomputes_them()
    {
        var (study, _) = await CreateStudyAsync();
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy", "cognitive-behavioural-therapy");
        var allocated = new List<AllocationResponse>();
        foreach (var answers in new[] { s_lowRisk, s_highRisk, s_lowRisk, s_lowRisk, s_highRisk, s_lowRisk, s_highRisk, s_lowRisk })
        {
            var patientId = await ScreenedPatientAsync(answers);
            var response = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/studies/{study.Id}/enrolments", Enrolment(patientId, therapist.Id));
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            var enrolment = await ReadAsync<StudyEnrolmentResponse>(response);
            Assert.Equal(enrolment.Allocation.ArmId, enrolment.Episode.ArmId);
            allocated.Add(enrolment.Allocation);
        }

        // Independently recomputed from the seed: stratum streams are separate and numbered from 1.
        Guid[] arms = [ArmCatalogue.PhysiotherapyId, ArmCatalogue.PhysiotherapyCbtId];
        foreach (var stratum in new[] { StartBackRisk.Low, StartBackRisk.High })
        {
            var inStratum = allocated.Where(a => a.Stratum == stratum).ToList();
            Assert.Equal(Enumerable.Range(1, inStratum.Count), inStratum.Select(a => a.Sequence));
            var expected = PermutedBlocks.Sequence(Seed, (int)stratum, [1, 1], [1, 2]).Take(inStratum.Count).Select(i => arms[i]);
            Assert.Equal(expected, inStratum.Select(a => a.ArmId));
        }

        var audit = await ReadAsync<StudyAuditResponse>(await Client(Roles.Admin).GetAsync($"/studies/{study.Id}/audit"));
        Assert.Equal(Seed, audit.Seed);
        Assert.Equal(8, audit.Allocations.Count);
        Assert.True(audit.AllConsistent);
    }

    [Fact]
    public async Task Concurrent_enrolments_never_reuse_an_allocation_slot()
    {
        var (study, _) = await CreateStudyAsync();
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy", "cognitive-behavioural-therapy");
        var patients = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            patients.Add(await ScreenedPatientAsync(s_highRisk));
        }

        var results = await Task.WhenAll(patients.Select(p =>
            SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/studies/{study.Id}/enrolments", Enrolment(p, therapist.Id))));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var audit = await ReadAsync<StudyAuditResponse>(await Client(Roles.Admin).GetAsync($"/studies/{study.Id}/audit"));
        Assert.Equal(Enumerable.Range(1, 12), audit.Allocations.Select(a => a.Sequence).Order());
        Assert.True(audit.AllConsistent);
        Assert.Equal(patients.Order(), audit.Allocations.Select(a => a.PatientId).Order());
        var largestBlock = PermutedBlocks.LargestBlock([1, 1], [1, 2]);
        var counts = audit.Allocations.GroupBy(a => a.ArmId).Select(g => g.Count()).ToList();
        Assert.True(counts.Max() - counts.Min() <= largestBlock / 2);
    }

    [Fact]
    public async Task Enrolment_is_refused_before_allocating_so_a_refusal_reveals_no_arm()
    {
        var (study, etag) = await CreateStudyAsync();
        var physioOnly = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        var trained = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy", "cognitive-behavioural-therapy");
        var unscreened = (await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk))).Id;
        var screened = await ScreenedPatientAsync(s_lowRisk);
        // The therapists enrol as themselves: the one enrolling must not be able to read the sequence.
        var client = As(trained);
        var url = $"/studies/{study.Id}/enrolments";

        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, url, Enrolment(unscreened, trained.Id)), HttpStatusCode.Conflict);
        var untrained = await AssertProblemAsync(await SendAsync(As(physioOnly), HttpMethod.Post, url, Enrolment(screened, physioOnly.Id)), HttpStatusCode.Conflict);
        Assert.DoesNotContain("physio-cbt", untrained.GetRawText());
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(client, HttpMethod.Post, url, Enrolment(screened, trained.Id))).StatusCode);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, url, Enrolment(screened, trained.Id)), HttpStatusCode.Conflict);

        var seen = await client.GetStringAsync($"/studies/{study.Id}");
        Assert.DoesNotContain("seed", seen, StringComparison.OrdinalIgnoreCase);
        await AssertProblemAsync(await client.GetAsync($"/studies/{study.Id}/audit"), HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/studies/{study.Id}/close", ifMatch: etag)).StatusCode);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, url, Enrolment(await ScreenedPatientAsync(s_lowRisk), trained.Id)), HttpStatusCode.Conflict);
        await using var db = Db();
        Assert.Equal(1, db.Allocations.Count());
    }

    [Fact]
    public async Task Study_definitions_are_validated_and_admin_only()
    {
        var admin = Client(Roles.Admin);
        Assert.Contains("armIds", await AssertValidationProblemAsync(await SendAsync(admin, HttpMethod.Post, "/studies",
            new { name = "x", armIds = new[] { ArmCatalogue.PhysiotherapyId }, ratios = new[] { 1 } })));
        Assert.Contains("ratios", await AssertValidationProblemAsync(await SendAsync(admin, HttpMethod.Post, "/studies",
            new { name = "x", armIds = new[] { ArmCatalogue.PhysiotherapyId, ArmCatalogue.PhysiotherapyCbtId }, ratios = new[] { 1 } })));
        await AssertProblemAsync(await SendAsync(admin, HttpMethod.Post, "/studies",
            new { name = "x", armIds = new[] { ArmCatalogue.PhysiotherapyId, Guid.CreateVersion7() }, ratios = new[] { 1, 1 } }), HttpStatusCode.UnprocessableEntity);
        await AssertProblemAsync(await SendAsync(Client(Roles.Therapist), HttpMethod.Post, "/studies",
            new { name = "x", armIds = new[] { ArmCatalogue.PhysiotherapyId, ArmCatalogue.PhysiotherapyCbtId }, ratios = new[] { 1, 1 } }), HttpStatusCode.Forbidden);
    }
}
