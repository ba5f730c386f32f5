using System.Net;
using System.Net.Http.Headers;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicApi.IntegrationTests.Platform;

public sealed class ErrorsAuthAndLoggingTests() : ApiTest(new SqliteDatabases())
{
    [Fact]
    public async Task An_unexpected_exception_is_500_problem_details_with_trace_id_and_nothing_internal()
    {
        await using var factory = CreateFactory(ConnectionString);
        factory.ConfigureTestServices += services => services.AddSingleton<TimeProvider>(new BrokenClock());
        var response = await SendAsync(ClientFor(factory, Roles.FrontDesk), HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = "MRN-1", givenName = "Ada", familyName = "Lovelace", dateOfBirth = "1980-01-01", sex = "female",
        });

        var problem = await AssertProblemAsync(response, HttpStatusCode.InternalServerError);
        var body = problem.GetRawText();
        Assert.DoesNotContain("BrokenClock", body);
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain(" at ", body);
        Assert.Equal(response.Headers.GetValues(TraceIds.HeaderName).Single(), problem.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task Tokens_that_are_expired_forged_or_for_another_audience_are_401()
    {
        var client = Anonymous();
        var options = Factory.Services.GetRequiredService<AuthOptions>();
        var expired = Token(Factory, Roles.Admin, issuedAt: DateTime.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(1));
        var forged = DevelopmentTokens.Create(new AuthOptions { DevelopmentSigningKey = new string('x', 64), Audience = options.Audience, DevelopmentIssuer = options.DevelopmentIssuer },
            Guid.CreateVersion7().ToString(), Roles.Admin, DateTime.UtcNow, TimeSpan.FromHours(1));
        var otherAudience = DevelopmentTokens.Create(new AuthOptions { DevelopmentSigningKey = options.DevelopmentSigningKey, Audience = "another-api", DevelopmentIssuer = options.DevelopmentIssuer },
            Guid.CreateVersion7().ToString(), Roles.Admin, DateTime.UtcNow, TimeSpan.FromHours(1));

        foreach (var token in new[] { expired, forged, otherAudience, "not-a-jwt" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/therapists");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await AssertProblemAsync(await client.SendAsync(request), HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Development_token_endpoint_issues_a_working_token_for_a_role()
    {
        var issued = await SendAsync(Anonymous(), HttpMethod.Post, "/auth/dev-token", new { role = "therapist" });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var token = (await ReadAsync<Features.Auth.IssueDevelopmentToken.Response>(issued)).AccessToken;

        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/therapists")).StatusCode);
        Assert.Contains("role", await AssertValidationProblemAsync(await SendAsync(Anonymous(), HttpMethod.Post, "/auth/dev-token", new { role = "superuser" })));
    }

    [Fact]
    public async Task Development_tokens_are_refused_outside_development()
    {
        await using var production = CreateFactory(ConnectionString, environment: "Production");
        production.Settings["Auth:Authority"] = "https://identity.clinic.example";

        var response = await SendAsync(production.CreateClient(), HttpMethod.Post, "/auth/dev-token", new { role = "admin" });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public void Outside_development_the_api_will_not_start_without_an_identity_provider()
    {
        using var production = CreateFactory(ConnectionString, environment: "Production");

        var error = Assert.ThrowsAny<Exception>(() => production.CreateClient());

        Assert.Contains("Auth:Authority", error.ToString());
    }

    /// <summary>The development clock (Clinic:ClockOffset) cannot follow a build into Production: the API will not start.</summary>
    [Fact]
    public void Outside_development_the_api_will_not_start_with_a_clock_offset()
    {
        using var production = CreateFactory(ConnectionString, environment: "Production");
        production.Settings["Auth:Authority"] = "https://identity.clinic.example";
        production.Settings["Clinic:ClockOffset"] = "1.00:00:00";

        var error = Assert.ThrowsAny<Exception>(() => production.CreateClient());

        Assert.Contains("Clinic:ClockOffset", error.ToString());
    }

    [Fact]
    public async Task One_log_line_per_request_with_route_template_status_and_trace_but_no_patient_data()
    {
        var client = Client(Roles.FrontDesk);
        var created = await SendAsync(client, HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = "MRN-LOG-1", givenName = "Zebedee", familyName = "Quixotic-Farthingale", dateOfBirth = "1971-07-19",
            sex = "male", email = "zebedee@example.org", phone = "+44 7700 900123", notes = "Sensitive-note-XYZZY",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await client.GetAsync("/patients?search=Quixotic");
        var traceId = created.Headers.GetValues(TraceIds.HeaderName).Single();

        var logs = Factory.Logs.ToArray();
        Assert.Single(logs, l => l.Contains("POST /patients responded 201", StringComparison.Ordinal) && l.Contains(traceId, StringComparison.Ordinal));
        Assert.Single(logs, l => l.Contains("GET /patients responded 200", StringComparison.Ordinal));
        foreach (var secret in new[] { "Zebedee", "Quixotic", "1971-07-19", "19/07/1971", "XYZZY", "zebedee@", "900123" })
        {
            Assert.DoesNotContain(logs, l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    private sealed class BrokenClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => throw new InvalidOperationException("BrokenClock exploded at SecretInternals");
    }
}
