using System.Net;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Security;

public sealed class AuthorizationMatrixOnSqlite() : AuthorizationMatrixTests(new SqliteDatabases());

public sealed class AuthorizationMatrixOnPostgres(PostgresServer server) : AuthorizationMatrixTests(new PostgresDatabases(server));

public sealed class AuthorizationMatrixOnSqlServer(SqlServerServer server) : AuthorizationMatrixTests(new SqlServerDatabases(server));

/// <summary>
/// Every mapped endpoint against every role. The decisions are written out here, one line per endpoint: an
/// endpoint missing from the table fails the test, so nothing new ships without a decision.
/// F = frontdesk, T = therapist, M = manager, A = admin.
/// </summary>
public abstract class AuthorizationMatrixTests(ITestDatabases databases) : ApiTest(databases)
{
    private static readonly Dictionary<string, string> s_decisions = new()
    {
        ["DELETE /arms/{id:guid}"] = "A",
        ["DELETE /therapists/{id:guid}/time-off/{timeOffId:guid}"] = "FTA",
        ["GET /arms"] = "FTMA",
        ["GET /arms/{id:guid}"] = "FTMA",
        ["GET /audit"] = "A",
        ["GET /day-sheet"] = "FTA",
        ["GET /episodes/{id:guid}"] = "FTA",
        ["GET /episodes/{id:guid}/adherence"] = "FTA",
        ["GET /episodes/{id:guid}/adverse-events"] = "TA",
        ["GET /episodes/{id:guid}/sessions"] = "FTA",
        ["GET /evidence"] = "FTMA",
        ["GET /evidence/{id}"] = "FTMA",
        ["GET /follow-ups"] = "TA",
        ["GET /instruments"] = "FTMA",
        ["GET /me"] = "FTMA",
        ["GET /instruments/{code}"] = "FTMA",
        ["GET /measurements/{id:guid}"] = "TA",
        ["GET /patients"] = "FTA",
        ["GET /patients/{id:guid}"] = "FTA",
        ["GET /patients/{id:guid}/episodes"] = "FTA",
        ["GET /patients/{id:guid}/export"] = "A",
        ["GET /patients/{id:guid}/care-team"] = "TA",
        ["POST /patients/{id:guid}/care-team"] = "TA",
        ["POST /patients/{id:guid}/care-team/{memberId:guid}/end"] = "TA",
        ["GET /patients/{id:guid}/measurements"] = "TA",
        ["GET /patients/{id:guid}/screenings"] = "TA",
        ["GET /patients/{id:guid}/sessions"] = "FTA",
        ["GET /patients/{id:guid}/trajectory"] = "TA",
        ["GET /patients/{id:guid}/trajectory.svg"] = "TA",
        ["GET /reports/cohort"] = "MA",
        ["GET /reports/therapists"] = "MA",
        ["GET /sessions/{id:guid}"] = "FTA",
        ["GET /studies"] = "TA",
        ["GET /studies/{id:guid}"] = "TA",
        ["GET /studies/{id:guid}/audit"] = "A",
        ["GET /therapists"] = "FTMA",
        ["GET /therapists/{id:guid}"] = "FTMA",
        ["GET /therapists/{id:guid}/calendar"] = "FTA",
        ["GET /therapists/{id:guid}/free-slots"] = "FTA",
        ["GET /therapists/{id:guid}/time-off"] = "FTA",
        ["GET /therapists/{id:guid}/working-hours"] = "FTA",
        ["GET /worklists/off-track"] = "TA",
        ["POST /arms"] = "A",
        ["POST /episodes"] = "TA",
        ["POST /episodes/{id:guid}/adverse-events"] = "TA",
        ["POST /episodes/{id:guid}/change-arm"] = "TA",
        ["POST /episodes/{id:guid}/complete"] = "TA",
        ["POST /episodes/{id:guid}/discontinue"] = "TA",
        ["POST /episodes/{id:guid}/series"] = "FTA",
        ["POST /measurements/import"] = "A",
        ["POST /measurements/{id:guid}/amend"] = "TA",
        ["POST /measurements/{id:guid}/entered-in-error"] = "TA",
        ["POST /patients"] = "FTA",
        ["POST /patients/{id:guid}/archive"] = "FTA",
        ["POST /patients/{id:guid}/erase"] = "A",
        ["POST /patients/{id:guid}/measurements"] = "TA",
        ["POST /patients/{id:guid}/restore"] = "FTA",
        ["POST /patients/{id:guid}/screenings"] = "TA",
        ["POST /sessions"] = "FTA",
        ["POST /sessions/{id:guid}/attended"] = "FTA",
        ["POST /sessions/{id:guid}/cancel"] = "FTA",
        ["POST /sessions/{id:guid}/no-show"] = "FTA",
        ["POST /sessions/{id:guid}/reschedule"] = "FTA",
        ["POST /studies"] = "A",
        ["POST /studies/{id:guid}/close"] = "A",
        ["POST /studies/{id:guid}/enrolments"] = "TA",
        ["POST /therapists"] = "A",
        ["POST /therapists/{id:guid}/activate"] = "A",
        ["POST /therapists/{id:guid}/deactivate"] = "A",
        ["POST /therapists/{id:guid}/time-off"] = "FTA",
        ["PUT /arms/{id:guid}"] = "A",
        ["PUT /patients/{id:guid}"] = "FTA",
        ["PUT /therapists/{id:guid}"] = "A",
        ["PUT /therapists/{id:guid}/working-hours"] = "FTA",
    };

    private static readonly Dictionary<char, string> s_roles = new()
    {
        ['F'] = Roles.FrontDesk, ['T'] = Roles.Therapist, ['M'] = Roles.Manager, ['A'] = Roles.Admin,
    };

    [Fact]
    public void Every_endpoint_has_a_decision_and_every_decision_an_endpoint()
    {
        var mapped = Endpoints.Of(Factory).Where(e => !e.Anonymous).Select(e => e.Key).ToHashSet();
        var undecided = mapped.Except(s_decisions.Keys).ToList();
        var stale = s_decisions.Keys.Except(mapped).ToList();
        Assert.True(undecided.Count == 0, $"No authorization decision for: {string.Join(", ", undecided)}");
        Assert.True(stale.Count == 0, $"Decisions for endpoints that no longer exist: {string.Join(", ", stale)}");
    }

    /// <summary>Writes a therapist may make to their own schedule only (object level: LeastPrivilegeTests).</summary>
    private static readonly HashSet<string> s_ownScheduleOnly =
    [
        "PUT /therapists/{id:guid}/working-hours", "POST /therapists/{id:guid}/time-off", "DELETE /therapists/{id:guid}/time-off/{timeOffId:guid}",
    ];

    [Fact]
    public async Task Every_role_gets_exactly_the_access_the_table_decides()
    {
        var clients = s_roles.ToDictionary(r => r.Key, r => Client(r.Value));
        var wrong = new List<string>();
        foreach (var endpoint in Endpoints.Of(Factory).Where(e => !e.Anonymous && s_decisions.ContainsKey(e.Key)))
        {
            foreach (var (letter, role) in s_roles)
            {
                var status = (await clients[letter].SendAsync(endpoint.Request(Endpoints.Url(endpoint.Route)))).StatusCode;
                // The role may, but only on its own object: the matrix's therapist is linked to no record, so 403.
                var allowed = s_decisions[endpoint.Key].Contains(letter) && !(letter == 'T' && s_ownScheduleOnly.Contains(endpoint.Key));
                if (status == HttpStatusCode.Unauthorized || (allowed ? status == HttpStatusCode.Forbidden : status != HttpStatusCode.Forbidden))
                {
                    wrong.Add($"{endpoint.Key} as {role}: {(int)status}, expected {(allowed ? "allowed" : "403")}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
