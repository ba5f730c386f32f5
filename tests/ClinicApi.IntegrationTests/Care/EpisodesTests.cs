using System.Globalization;
using System.Net;
using ClinicApi.Data;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Episodes;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Care;

public sealed class EpisodesOnSqlite() : EpisodesTests(new SqliteDatabases());

public sealed class EpisodesOnPostgres(PostgresServer server) : EpisodesTests(new PostgresDatabases(server));

public sealed class EpisodesOnSqlServer(SqlServerServer server) : EpisodesTests(new SqlServerDatabases(server));

public abstract class EpisodesTests(ITestDatabases databases) : ApiTest(databases)
{
    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static object Enrolment(Guid patientId, Guid armId, Guid therapistId, string? overrideReason = null, string? startDate = null) => new
    {
        patientId,
        armId,
        primaryTherapistId = therapistId,
        startDate = startDate ?? Today,
        referralReason = "GP referral: chronic low back pain",
        competencyOverrideReason = overrideReason,
    };

    private async Task<(EpisodeResponse Episode, string ETag)> EnrolAsync(Guid patientId, Guid armId, Guid therapistId)
    {
        var response = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/episodes", Enrolment(patientId, armId, therapistId));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await ReadAsync<EpisodeResponse>(response), response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Enrolment_reports_every_eligibility_warning_and_the_planned_sessions()
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy", "cognitive-behavioural-therapy");
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk), dateOfBirth: "1960-01-01", painDurationWeeks: 4, anxiety: true);

        var response = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/episodes", Enrolment(patient.Id, ArmCatalogue.PhysiotherapyCbtId, therapist.Id));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var episode = await ReadAsync<EpisodeResponse>(response);
        Assert.Equal(["pain-under-12-weeks", "comorbid-anxiety-depression", "age-outside-evidence"], episode.Warnings!.Select(w => w.Code));
        Assert.Equal(EpisodeStatus.Active, episode.Status);
        Assert.Equal("physio-cbt", episode.ArmCode);
        Assert.Equal(new EpisodeProgress(12, 0), episode.Progress);

        var stored = await ReadAsync<EpisodeResponse>(await Client(Roles.Admin).GetAsync($"/episodes/{episode.Id}"));
        Assert.Equal(episode.Warnings, stored.Warnings);
    }

    [Fact]
    public async Task An_eligible_patient_enrols_without_warnings()
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy", "cognitive-behavioural-therapy");
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk), dateOfBirth: "1990-06-01", painDurationWeeks: 20);

        var (episode, _) = await EnrolAsync(patient.Id, ArmCatalogue.PhysiotherapyCbtId, therapist.Id);

        Assert.Empty(episode.Warnings!);
    }

    [Fact]
    public async Task A_therapist_without_the_arms_competency_is_409_unless_overridden_with_a_reason()
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var client = Client(Roles.Admin);

        var refused = await SendAsync(client, HttpMethod.Post, "/episodes", Enrolment(patient.Id, ArmCatalogue.PhysiotherapyCbtId, therapist.Id));
        var problem = await AssertProblemAsync(refused, HttpStatusCode.Conflict);
        Assert.Equal("cognitive-behavioural-therapy", Assert.Single(problem.GetProperty("missingCompetencies").EnumerateArray()).GetString());
        await using (var db = Db())
        {
            Assert.Empty(db.Episodes);
        }

        var overridden = await SendAsync(client, HttpMethod.Post, "/episodes",
            Enrolment(patient.Id, ArmCatalogue.PhysiotherapyCbtId, therapist.Id, overrideReason: "CBT sessions delivered by a supervised trainee"));
        Assert.Equal(HttpStatusCode.Created, overridden.StatusCode);
        var episode = await ReadAsync<EpisodeResponse>(overridden);
        Assert.Equal("CBT sessions delivered by a supervised trainee", episode.CompetencyOverrideReason);
        Assert.Contains(episode.Warnings!, w => w.Code == "competency-override");
    }

    [Fact]
    public async Task One_active_episode_per_patient_even_when_enrolments_race()
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            SendAsync(Client(Roles.Admin), HttpMethod.Post, "/episodes", Enrolment(patient.Id, ArmCatalogue.PhysiotherapyId, therapist.Id))));

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        await using var db = Db();
        Assert.Equal(1, db.Episodes.Count(e => e.PatientId == patient.Id));
    }

    [Fact]
    public async Task Bad_enrolments_are_400_422_or_409_and_store_nothing()
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var client = Client(Roles.Admin);

        Assert.Equivalent(new[] { "patientId", "armId", "primaryTherapistId", "startDate", "referralReason" },
            await AssertValidationProblemAsync(await SendAsync(client, HttpMethod.Post, "/episodes", new { })), strict: true);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, "/episodes", Enrolment(patient.Id, Guid.CreateVersion7(), therapist.Id)), HttpStatusCode.UnprocessableEntity);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, "/episodes", Enrolment(Guid.CreateVersion7(), ArmCatalogue.PhysiotherapyId, therapist.Id)), HttpStatusCode.UnprocessableEntity);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, "/episodes", Enrolment(patient.Id, ArmCatalogue.PhysiotherapyId, Guid.CreateVersion7())), HttpStatusCode.UnprocessableEntity);
        await AssertProblemAsync(await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, "/episodes", Enrolment(patient.Id, ArmCatalogue.PhysiotherapyId, therapist.Id)), HttpStatusCode.Forbidden);

        var current = await Client(Roles.FrontDesk).GetAsync($"/patients/{patient.Id}");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, $"/patients/{patient.Id}/archive", ifMatch: current.Headers.ETag!.Tag)).StatusCode);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, "/episodes", Enrolment(patient.Id, ArmCatalogue.PhysiotherapyId, therapist.Id)), HttpStatusCode.Conflict);
        await using var db = Db();
        Assert.Empty(db.Episodes);
    }

    [Fact]
    public async Task An_episode_ends_once_completed_or_discontinued_with_a_reason_under_if_match()
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var (episode, etag) = await EnrolAsync(patient.Id, ArmCatalogue.PhysiotherapyId, therapist.Id);
        var client = Client(Roles.Admin);
        var url = $"/episodes/{episode.Id}";

        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/complete", new { endDate = Today }), HttpStatusCode.PreconditionRequired);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/complete", new { endDate = "2000-01-01" }, etag), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("reason", await AssertValidationProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/discontinue", new { endDate = Today }, etag)));

        var completed = await SendAsync(client, HttpMethod.Post, $"{url}/complete", new { endDate = Today }, etag);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal(EpisodeStatus.Completed, (await ReadAsync<EpisodeResponse>(completed)).Status);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/discontinue", new { endDate = Today, reason = "x" }, completed.Headers.ETag!.Tag), HttpStatusCode.Conflict);

        // Completed, the patient may start a new episode.
        var (second, secondEtag) = await EnrolAsync(patient.Id, ArmCatalogue.PhysiotherapyId, therapist.Id);
        var discontinued = await SendAsync(client, HttpMethod.Post, $"/episodes/{second.Id}/discontinue", new { endDate = Today, reason = "Moved away" }, secondEtag);
        Assert.Equal("Moved away", (await ReadAsync<EpisodeResponse>(discontinued)).DiscontinuationReason);
    }

    [Fact]
    public async Task Changing_arm_keeps_the_old_assignment_and_links_the_new_episode_to_it()
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy", "pain-education");
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var (first, etag) = await EnrolAsync(patient.Id, ArmCatalogue.PhysiotherapyId, therapist.Id);
        var client = Client(Roles.Admin);

        // The therapist holds no CBT competency: refused, and nothing changes.
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"/episodes/{first.Id}/change-arm",
            new { armId = ArmCatalogue.PhysiotherapyCbtId, reason = "High risk on re-screening" }, etag), HttpStatusCode.Conflict);
        Assert.Equal(EpisodeStatus.Active, (await ReadAsync<EpisodeResponse>(await client.GetAsync($"/episodes/{first.Id}"))).Status);

        var changed = await SendAsync(client, HttpMethod.Post, $"/episodes/{first.Id}/change-arm",
            new { armId = ArmCatalogue.PhysiotherapyPainEducationId, reason = "Fear of movement" }, etag);
        Assert.Equal(HttpStatusCode.Created, changed.StatusCode);
        var second = await ReadAsync<EpisodeResponse>(changed);
        Assert.Equal(first.Id, second.PreviousEpisodeId);
        Assert.Equal("physio-pain-education", second.ArmCode);

        var history = await ReadAsync<List<EpisodeResponse>>(await client.GetAsync($"/patients/{patient.Id}/episodes"));
        Assert.Equal(2, history.Count);
        var old = Assert.Single(history, e => e.Id == first.Id);
        Assert.Equal(EpisodeStatus.Discontinued, old.Status);
        Assert.Equal("physio", old.ArmCode);
        Assert.Equal("Changed arm: Fear of movement", old.DiscontinuationReason);
        Assert.Equal(EpisodeStatus.Active, Assert.Single(history, e => e.Id == second.Id).Status);
        await AssertProblemAsync(await Client(Roles.Manager).GetAsync($"/patients/{patient.Id}/episodes"), HttpStatusCode.Forbidden);
    }
}
