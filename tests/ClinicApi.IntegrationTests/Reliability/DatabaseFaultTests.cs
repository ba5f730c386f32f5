using System.Diagnostics;
using System.Globalization;
using System.Net;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Reliability;

/// <summary>
/// PostgreSQL stops in the middle of a write load (immediate mode, as in a crash) and comes back. While it is
/// away the API answers 503 ProblemDetails quickly (never 500, never hanging past the command timeout) and
/// /health/ready says unhealthy; afterwards the API recovers by itself, every write it acknowledged is stored
/// and every CSV import is whole or absent. The test runs its own server container (so the shared one is left alone),
/// with synchronous commit on like a real one. RELIABILITY_SOAK_SECONDS makes it a longer soak (bench/soak.sh).
/// </summary>
public sealed class DatabaseFaultTests : IAsyncLifetime
{
    private readonly PostgresServer _server = new() { SynchronousCommit = true };

    public async ValueTask InitializeAsync()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CLINICAPI_TEST_POSTGRES")))
        {
            await _server.InitializeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Writes_fail_fast_while_the_database_is_down_and_nothing_acknowledged_is_lost()
    {
        Assert.SkipUnless(_server.CanStopAndStart, "Needs a PostgreSQL server the test can stop (a container; not CLINICAPI_TEST_POSTGRES).");
        var soak = int.TryParse(Environment.GetEnvironmentVariable("RELIABILITY_SOAK_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 0;
        var database = await _server.CreateMigratedDatabaseAsync();
        await using var factory = new ClinicApiFactory(DatabaseProvider.Postgres, database);
        factory.Settings["Database:CommandTimeoutSeconds"] = "3";
        factory.Settings["Security:PermitsPerMinute"] = "10000000";
        factory.Settings["Security:Burst"] = "10000000";
        HttpClient ClientFor(Guid subject)
        {
            var client = factory.CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", DevelopmentTokens.Create(
                (AuthOptions)factory.Services.GetService(typeof(AuthOptions))!, subject.ToString(), Roles.Admin, DateTime.UtcNow, TimeSpan.FromHours(2)));
            return client;
        }

        var importPatient = await Clinic.RegisterPatientAsync(ClientFor(Guid.CreateVersion7()), mrn: "MRN-IMPORT-TARGET");
        var load = new WriteLoad(() =>
        {
            var subject = Guid.CreateVersion7();
            return (ClientFor(subject), subject);
        }, importPatient.MedicalRecordNumber);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(workers: 4, stop.Token);
        var cycles = Math.Max(1, soak / 10);
        var health = factory.CreateClient();
        var unhealthySeen = false;
        var outageAnswers = new List<(HttpStatusCode Status, TimeSpan Elapsed)>();
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await _server.StopAsync();
            var down = Stopwatch.StartNew();
            while (down.Elapsed < TimeSpan.FromSeconds(2))
            {
                var probe = Stopwatch.GetTimestamp();
                var response = await ClientFor(Guid.CreateVersion7()).GetAsync("/patients");
                outageAnswers.Add((response.StatusCode, Stopwatch.GetElapsedTime(probe)));
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }

                unhealthySeen |= (await health.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable;
                await Task.Delay(100);
            }

            await _server.StartAsync();
        }

        // The API recovers by itself: no restart, no intervention.
        var recovered = Stopwatch.StartNew();
        while ((await health.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(recovered.Elapsed < TimeSpan.FromSeconds(30), "The API did not report ready within 30 s of the database's return.");
            await Task.Delay(200);
        }

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await stop.CancelAsync();
        await running;

        Assert.True(unhealthySeen, "/health/ready never reported the outage.");
        Assert.Contains(outageAnswers, a => a.Status == HttpStatusCode.ServiceUnavailable);
        Assert.All(outageAnswers, a => Assert.True(a.Elapsed < TimeSpan.FromSeconds(5), $"An answer during the outage took {a.Elapsed}."));
        var answers = load.Answers.ToList();
        Assert.DoesNotContain(answers, a => a.Status == HttpStatusCode.InternalServerError);
        Assert.All(answers.Where(a => (int)a.Status >= 500), a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));
        Assert.Contains(answers, a => a.Status == HttpStatusCode.ServiceUnavailable);
        Assert.All(answers, a => Assert.True(a.Elapsed < TimeSpan.FromSeconds(10), $"A {a.What} took {a.Elapsed}."));
        // After the return, writes are acknowledged again.
        Assert.Equal(HttpStatusCode.Created, (await ClientFor(Guid.CreateVersion7()).PostAsync("/patients", System.Net.Http.Json.JsonContent.Create(new
        {
            medicalRecordNumber = "MRN-AFTER-OUTAGE", givenName = "After", familyName = "Outage", dateOfBirth = "1980-01-01", sex = "male",
        }))).StatusCode);

        await using var db = PostgresServer.CreateContext(database);
        await load.VerifyAsync(db);
    }
}
