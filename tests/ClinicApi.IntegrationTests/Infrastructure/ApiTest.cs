using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicApi.IntegrationTests.Infrastructure;

/// <summary>
/// Base of every HTTP test: a fresh database and a fresh API per test. A test class is written once, against
/// this base, and run on both providers by a Sqlite and a Postgres subclass.
/// </summary>
public abstract class ApiTest(ITestDatabases databases) : IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    private string _connectionString = string.Empty;
    private ClinicApiFactory? _factory;

    protected ITestDatabases Databases => databases;

    protected ClinicApiFactory Factory => _factory ?? throw new InvalidOperationException("Not initialised.");

    protected string ConnectionString => _connectionString;

    public virtual async ValueTask InitializeAsync()
    {
        _connectionString = await databases.CreateMigratedAsync();
        _factory = CreateFactory(_connectionString);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await databases.DropAsync(_connectionString);
        GC.SuppressFinalize(this);
    }

    protected ClinicApiFactory CreateFactory(string connectionString, string environment = "Development") =>
        new(databases.Provider, connectionString, environment);

    /// <summary>A client whose requests carry a development token for the role (and subject, if given).</summary>
    protected HttpClient Client(string role, Guid? subject = null) => ClientFor(Factory, role, subject);

    protected static HttpClient ClientFor(ClinicApiFactory factory, string role, Guid? subject = null)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(factory, role, subject));
        return client;
    }

    protected static string Token(ClinicApiFactory factory, string role, Guid? subject = null, TimeSpan? lifetime = null, DateTime? issuedAt = null)
    {
        var options = factory.Services.GetRequiredService<AuthOptions>();
        return DevelopmentTokens.Create(options, (subject ?? Guid.CreateVersion7()).ToString(), role,
            issuedAt ?? DateTime.UtcNow, lifetime ?? TimeSpan.FromHours(1));
    }

    /// <summary>A client signed in as the therapist's own user: reaches the patients in that therapist's care.</summary>
    protected HttpClient As(ClinicApi.Features.Therapists.TherapistResponse therapist) =>
        Client(Roles.Therapist, Guid.Parse(therapist.UserId ?? throw new InvalidOperationException("The therapist has no user.")));

    protected HttpClient Anonymous() => Factory.CreateClient();

    protected ClinicDbContext Db() => databases.CreateContext(_connectionString);

    /// <summary>Waits until the API has committed the audit rows of every request answered so far (reads are written in batches).</summary>
    protected Task FlushAuditAsync() => Factory.Services.GetRequiredService<ClinicApi.Features.Audit.AuditWriter>().FlushAsync();

    protected static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidOperationException($"Empty body: {body}");
    }

    /// <summary>Asserts the status and that the body is RFC 9457 ProblemDetails with a trace id; returns it.</summary>
    protected static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        return problem;
    }

    /// <summary>The field names a 400 validation problem lists errors for.</summary>
    protected static async Task<IReadOnlyList<string>> AssertValidationProblemAsync(HttpResponseMessage response)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        return problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? body = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request);
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        JsonSetup.Configure(options);
        return options;
    }
}
