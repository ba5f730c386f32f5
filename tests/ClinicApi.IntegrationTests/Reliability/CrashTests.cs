using System.Net;
using System.Net.Http.Json;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Reliability;

public sealed class CrashOnSqlite() : CrashTests(new SqliteDatabases());

public sealed class CrashOnPostgres(PostgresServer server) : CrashTests(new PostgresDatabases(server));

public sealed class CrashOnSqlServer(SqlServerServer server) : CrashTests(new SqlServerDatabases(server));

/// <summary>
/// The API runs as a real process (Kestrel on loopback) under a write load and is killed with SIGKILL. After a
/// restart every write it acknowledged is there and no CSV import is half-written.
/// </summary>
public abstract class CrashTests(ITestDatabases databases) : IAsyncLifetime
{
    private string _database = string.Empty;

    public async ValueTask InitializeAsync() => _database = await databases.CreateMigratedAsync();

    public async ValueTask DisposeAsync()
    {
        await databases.DropAsync(_database);
        GC.SuppressFinalize(this);
    }

    private static async Task<string> TokenAsync(HttpClient client, Guid subject)
    {
        var response = await client.PostAsJsonAsync("/auth/dev-token", new { role = Roles.Admin, subject });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Features.Auth.IssueDevelopmentToken.Response>(ApiTest.Json))!.AccessToken;
    }

    [Fact]
    public async Task After_kill_9_every_acknowledged_write_is_there_and_no_import_is_half_written()
    {
        await using var api = new ApiProcess(databases.Provider, _database);
        try
        {
            await api.WaitReadyAsync();
            var anonymous = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            var tokens = new System.Collections.Concurrent.ConcurrentDictionary<Guid, string>();
            foreach (var subject in Enumerable.Range(0, 1000).Select(_ => Guid.CreateVersion7()))
            {
                tokens[subject] = await TokenAsync(anonymous, subject);
            }

            var pool = new System.Collections.Concurrent.ConcurrentQueue<Guid>(tokens.Keys);
            (HttpClient Client, Guid Subject) NewClient()
            {
                // Every client gets a subject of its own, from the tokens minted while the API was up.
                var subject = pool.TryDequeue(out var next) ? next : throw new InvalidOperationException("Out of tokens.");
                var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
                client.DefaultRequestHeaders.Authorization = new("Bearer", tokens[subject]);
                return (client, subject);
            }

            var (first, _) = NewClient();
            Assert.Equal(HttpStatusCode.Created, (await first.PostAsJsonAsync("/patients", new
            {
                medicalRecordNumber = "MRN-CRASH-IMPORT", givenName = "Import", familyName = "Target", dateOfBirth = "1980-01-01", sex = "male",
            })).StatusCode);
            var load = new WriteLoad(NewClient, "MRN-CRASH-IMPORT");
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(workers: 4, stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await api.KillAsync();
            await Task.Delay(300);
            await stop.CancelAsync();
            await running;
            Assert.Contains(load.Answers, a => a.Status == 0);

            api.Restart();
            await api.WaitReadyAsync();
            await using var db = databases.CreateContext(_database);
            await load.VerifyAsync(db);
            Assert.True(await db.Patients.CountAsync() >= load.AcknowledgedPatients.Count);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Npgsql.NpgsqlConnection.ClearAllPools();
        }
    }
}
