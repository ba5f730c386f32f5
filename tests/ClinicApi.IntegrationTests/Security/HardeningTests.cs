using System.Net;
using System.Text;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Security;

/// <summary>Abuse limits and browser-facing hardening (provider-independent: SQLite).</summary>
public sealed class HardeningTests() : ApiTest(new SqliteDatabases())
{
    [Fact]
    public async Task A_user_over_the_rate_limit_gets_429_problem_details_with_retry_after()
    {
        // One more token a minute: nothing refills while the test runs.
        Factory.Settings["Security:PermitsPerMinute"] = "1";
        Factory.Settings["Security:Burst"] = "5";
        var client = Client(Roles.FrontDesk);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await client.GetAsync("/arms")).StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        var limited = await client.GetAsync("/arms");
        await AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        // Limits are per user: another user, and the health probes, are not held back.
        Assert.Equal(HttpStatusCode.OK, (await Client(Roles.FrontDesk).GetAsync("/arms")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Anonymous().GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Oversized_bodies_are_413_and_deeply_nested_json_is_400()
    {
        var client = Client(Roles.FrontDesk);
        var huge = new StringContent("{\"givenName\":\"" + new string('a', 1_100_000) + "\"}", Encoding.UTF8, "application/json");
        await AssertProblemAsync(await client.PostAsync("/patients", huge), HttpStatusCode.RequestEntityTooLarge);

        var deep = new StringBuilder();
        for (var i = 0; i < 40; i++)
        {
            deep.Append("{\"notes\":");
        }

        deep.Append('1').Append('}', 40);
        await AssertProblemAsync(await client.PostAsync("/patients", new StringContent(deep.ToString(), Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        // The CSV import has a larger limit of its own: 1.5 MB goes through to validation.
        var csv = "medical_record_number,instrument,taken_at,score,items\n" + string.Concat(Enumerable.Repeat("MRN-X,pain-nrs,2026-01-01T09:00:00Z,3,\n", 40_000));
        Assert.True(csv.Length > 1_100_000);
        await AssertProblemAsync(await Client(Roles.Admin).PostAsync("/measurements/import", new StringContent(csv, Encoding.UTF8, "text/csv")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Responses_carry_security_headers_and_cors_follows_the_allowlist()
    {
        Factory.Settings["Security:AllowedOrigins:0"] = "https://app.clinic.example";
        var client = Client(Roles.FrontDesk);

        var response = await client.GetAsync("/arms");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());

        async Task<HttpResponseMessage> PreflightAsync(string origin)
        {
            var preflight = new HttpRequestMessage(HttpMethod.Options, "/patients");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "GET");
            preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
            return await Anonymous().SendAsync(preflight);
        }

        Assert.Equal("https://app.clinic.example", (await PreflightAsync("https://app.clinic.example")).Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False((await PreflightAsync("https://evil.example")).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_wildcard_origin_is_refused_at_start()
    {
        await using var factory = CreateFactory(ConnectionString);
        factory.Settings["Security:AllowedOrigins:0"] = "*";
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("wildcard", error.ToString());
        await Task.CompletedTask;
    }
}
