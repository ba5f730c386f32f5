using System.Net;
using ClinicApi.Data;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Platform;

public sealed class HealthOnSqlite() : HealthTests(new SqliteDatabases());

public sealed class HealthOnPostgres(PostgresServer server) : HealthTests(new PostgresDatabases(server));

public sealed class HealthOnSqlServer(SqlServerServer server) : HealthTests(new SqlServerDatabases(server));

public abstract class HealthTests(ITestDatabases databases) : ApiTest(databases)
{
    [Fact]
    public async Task Live_and_ready_answer_200_when_the_database_answers()
    {
        Assert.Equal(HttpStatusCode.OK, (await Anonymous().GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Anonymous().GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Ready_is_503_while_live_stays_200_when_the_database_cannot_be_reached()
    {
        var unreachable = Databases.Provider switch
        {
            DatabaseProvider.Postgres => "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2",
            DatabaseProvider.SqlServer => "Server=127.0.0.1,1;Database=none;User Id=nobody;Password=none;Connect Timeout=2;TrustServerCertificate=True",
            _ => Directory.CreateTempSubdirectory("clinicapi-not-a-file-").FullName,
        };
        await using var factory = CreateFactory(unreachable);
        factory.Settings["Database:MigrateOnStartup"] = "false";
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
    }
}
