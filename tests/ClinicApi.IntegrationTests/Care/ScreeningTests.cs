using System.Net;
using ClinicApi.Features.Screening;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using ClinicApi.Outcomes;

namespace ClinicApi.IntegrationTests.Care;

public sealed class ScreeningOnSqlite() : ScreeningTests(new SqliteDatabases());

public sealed class ScreeningOnPostgres(PostgresServer server) : ScreeningTests(new PostgresDatabases(server));

public sealed class ScreeningOnSqlServer(SqlServerServer server) : ScreeningTests(new SqlServerDatabases(server));

public abstract class ScreeningTests(ITestDatabases databases) : ApiTest(databases)
{
    [Fact]
    public async Task A_screening_is_scored_stored_with_the_measurements_and_suggests_a_matched_arm()
    {
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var client = Client(Roles.Admin);

        var response = await SendAsync(client, HttpMethod.Post, $"/patients/{patient.Id}/screenings", new { answers = new[] { 0, 1, 0, 0, 1, 1, 1, 0, 3 } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var screening = await ReadAsync<ScreeningResponse>(response);
        Assert.Equal((5, 4, StartBackRisk.High), (screening.Total, screening.DistressSubscale, screening.Risk));
        Assert.Contains("distress subscale 4", screening.Rule);
        Assert.Equal("suggestion", screening.Suggestion.Label);
        Assert.Equal("physio-cbt", screening.Suggestion.ArmCode);
        Assert.Contains("Hill", screening.Suggestion.Source);

        await SendAsync(client, HttpMethod.Post, $"/patients/{patient.Id}/screenings",
            new { answers = new[] { 1, 1, 1, 0, 0, 0, 0, 0, 2 }, takenAt = DateTime.UtcNow.AddDays(-30) });
        var history = await ReadAsync<List<ScreeningResponse>>(await client.GetAsync($"/patients/{patient.Id}/screenings"));
        Assert.Equal([StartBackRisk.High, StartBackRisk.Low], history.Select(s => s.Risk));
        Assert.Equal("physio-pain-education", history[1].Suggestion.ArmCode);

        await using var db = Db();
        var stored = db.Measurements.Where(m => m.PatientId == patient.Id).OrderBy(m => m.TakenAt).ToList();
        Assert.Equal([Instruments.StartBackCode, Instruments.StartBackCode], stored.Select(m => m.Instrument));
        Assert.Equal([3.0, 5.0], stored.Select(m => m.Score));
        Assert.Equal("0,1,0,0,1,1,1,0,3", stored[1].Items);
    }

    [Theory]
    [InlineData("[0,1,0,0,1,1,1,0]", "answers")]
    [InlineData("[0,1,0,0,1,1,1,0,3,1]", "answers")]
    [InlineData("[2,1,0,0,1,1,1,0,3]", "answers")]
    [InlineData("[0,1,0,0,1,1,1,0,5]", "answers")]
    [InlineData("null", "answers")]
    public async Task Malformed_answers_are_400_and_nothing_is_stored(string answers, string field)
    {
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var body = new StringContent($"{{\"answers\": {answers}}}", System.Text.Encoding.UTF8, "application/json");

        var response = await Client(Roles.Admin).PostAsync($"/patients/{patient.Id}/screenings", body);

        Assert.Contains(field, await AssertValidationProblemAsync(response));
        await using var db = Db();
        Assert.Empty(db.Measurements);
    }

    [Fact]
    public async Task Future_screenings_unknown_patients_and_front_desk_are_refused()
    {
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var answers = new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0 };

        Assert.Contains("takenAt", await AssertValidationProblemAsync(await SendAsync(Client(Roles.Admin), HttpMethod.Post,
            $"/patients/{patient.Id}/screenings", new { answers, takenAt = DateTime.UtcNow.AddDays(2) })));
        await AssertProblemAsync(await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/patients/{Guid.CreateVersion7()}/screenings", new { answers }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, $"/patients/{patient.Id}/screenings", new { answers }), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await Client(Roles.FrontDesk).GetAsync($"/patients/{patient.Id}/screenings"), HttpStatusCode.Forbidden);
    }
}
