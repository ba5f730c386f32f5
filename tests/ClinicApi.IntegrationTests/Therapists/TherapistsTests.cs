using System.Net;
using ClinicApi.Data;
using ClinicApi.Features.Therapists;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Therapists;

public sealed class TherapistsOnSqlite() : TherapistsTests(new SqliteDatabases());

public sealed class TherapistsOnPostgres(PostgresServer server) : TherapistsTests(new PostgresDatabases(server));

public sealed class TherapistsOnSqlServer(SqlServerServer server) : TherapistsTests(new SqlServerDatabases(server));

public abstract class TherapistsTests(ITestDatabases databases) : ApiTest(databases)
{
    private static object NewTherapist(string registration, string family, params string[] competencies) => new
    {
        givenName = "Sam",
        familyName = family,
        email = "sam@clinic.example",
        registrationNumber = registration,
        competencies,
    };

    private async Task<(TherapistResponse Therapist, string ETag)> CreateAsync(string registration, string family, params string[] competencies)
    {
        var response = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/therapists", NewTherapist(registration, family, competencies));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync<TherapistResponse>(response), response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Admin_creates_a_therapist_with_competencies_that_every_role_can_read()
    {
        var (therapist, _) = await CreateAsync("PH-1", "Okafor", "cognitive-behavioural-therapy", "exercise-therapy");

        Assert.Equal([Competency.ExerciseTherapy, Competency.CognitiveBehaviouralTherapy], therapist.Competencies);
        foreach (var role in Roles.All)
        {
            var response = await Client(role).GetAsync($"/therapists/{therapist.Id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        }
    }

    [Fact]
    public async Task Only_admin_may_change_the_staff_directory()
    {
        foreach (var role in new[] { Roles.FrontDesk, Roles.Therapist, Roles.Manager })
        {
            var response = await SendAsync(Client(role), HttpMethod.Post, "/therapists", NewTherapist("PH-2", "Ng"));
            await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }

        await AssertProblemAsync(await SendAsync(Anonymous(), HttpMethod.Post, "/therapists", NewTherapist("PH-2", "Ng")), HttpStatusCode.Unauthorized);
        await using var db = Db();
        Assert.Empty(db.Therapists);
    }

    [Fact]
    public async Task Unknown_or_repeated_competencies_and_missing_fields_are_400()
    {
        var client = Client(Roles.Admin);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, "/therapists", NewTherapist("PH-3", "Ng", "reiki")), HttpStatusCode.BadRequest);

        var repeated = await SendAsync(client, HttpMethod.Post, "/therapists", NewTherapist("PH-3", "Ng", "pain-education", "pain-education"));
        Assert.Contains("competencies", await AssertValidationProblemAsync(repeated));

        var missing = await SendAsync(client, HttpMethod.Post, "/therapists", new { givenName = "Sam" });
        Assert.Equivalent(new[] { "familyName", "registrationNumber", "competencies" }, await AssertValidationProblemAsync(missing), strict: true);
    }

    [Fact]
    public async Task Duplicate_registration_number_is_409()
    {
        await CreateAsync("PH-4", "Ng");

        var response = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/therapists", NewTherapist("PH-4", "Other"));

        await AssertProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Update_replaces_competencies_under_if_match()
    {
        var (therapist, etag) = await CreateAsync("PH-5", "Ng", "exercise-therapy", "pain-education");
        var client = Client(Roles.Admin);
        var body = NewTherapist("PH-5", "Ng", "pain-education", "behavioural-therapy");

        await AssertProblemAsync(await SendAsync(client, HttpMethod.Put, $"/therapists/{therapist.Id}", body), HttpStatusCode.PreconditionRequired);
        var updated = await SendAsync(client, HttpMethod.Put, $"/therapists/{therapist.Id}", body, ifMatch: etag);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("\"2\"", updated.Headers.ETag?.Tag);

        var stored = await ReadAsync<TherapistResponse>(await client.GetAsync($"/therapists/{therapist.Id}"));
        Assert.Equal([Competency.PainEducation, Competency.BehaviouralTherapy], stored.Competencies);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Put, $"/therapists/{therapist.Id}", body, ifMatch: etag), HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task List_filters_by_competency_and_activity_and_pages()
    {
        var (cbt, cbtEtag) = await CreateAsync("PH-10", "Adams", "cognitive-behavioural-therapy");
        await CreateAsync("PH-11", "Baker", "exercise-therapy");
        await CreateAsync("PH-12", "Clark", "cognitive-behavioural-therapy", "pain-education");
        var client = Client(Roles.FrontDesk);

        var withCbt = await ReadAsync<Page<TherapistResponse>>(await client.GetAsync("/therapists?competency=cognitive-behavioural-therapy"));
        Assert.Equal(["Adams", "Clark"], withCbt.Items.Select(t => t.FamilyName));

        var first = await ReadAsync<Page<TherapistResponse>>(await client.GetAsync("/therapists?limit=2"));
        Assert.Equal(["Adams", "Baker"], first.Items.Select(t => t.FamilyName));
        var second = await ReadAsync<Page<TherapistResponse>>(await client.GetAsync($"/therapists?limit=2&cursor={first.NextCursor}"));
        Assert.Equal(["Clark"], second.Items.Select(t => t.FamilyName));
        Assert.Null(second.NextCursor);

        var deactivated = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/therapists/{cbt.Id}/deactivate", ifMatch: cbtEtag);
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.False((await ReadAsync<TherapistResponse>(deactivated)).IsActive);
        var active = await ReadAsync<Page<TherapistResponse>>(await client.GetAsync("/therapists?competency=cognitive-behavioural-therapy"));
        Assert.Equal(["Clark"], active.Items.Select(t => t.FamilyName));
        var inactive = await ReadAsync<Page<TherapistResponse>>(await client.GetAsync("/therapists?active=false"));
        Assert.Equal(["Adams"], inactive.Items.Select(t => t.FamilyName));

        Assert.Contains("competency", await AssertValidationProblemAsync(await client.GetAsync("/therapists?competency=reiki")));
        await AssertProblemAsync(await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/therapists/{cbt.Id}/deactivate", ifMatch: deactivated.Headers.ETag!.Tag), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Unknown_therapist_is_404()
    {
        await AssertProblemAsync(await Client(Roles.Admin).GetAsync($"/therapists/{Guid.CreateVersion7()}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/therapists/{Guid.CreateVersion7()}/deactivate", ifMatch: "\"1\""), HttpStatusCode.NotFound);
    }
}
