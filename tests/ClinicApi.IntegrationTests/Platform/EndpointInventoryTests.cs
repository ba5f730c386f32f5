using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicApi.IntegrationTests.Platform;

/// <summary>Conventions every mapped endpoint must keep, checked from the live endpoint list (so new ones are covered).</summary>
public sealed class EndpointInventoryTests() : ApiTest(new SqliteDatabases())
{
    /// <summary>The only endpoints open without a token.</summary>
    private static readonly HashSet<string> s_anonymous = ["GET /health/live", "GET /health/ready", "POST /auth/dev-token"];

    private static readonly HashSet<string> s_policies = [Policies.PatientRecords, Policies.Scheduling, Policies.Reports, Policies.Clinical, Policies.StaffDirectory, Policies.Administration, Policies.AnyRole];

    private List<(string Key, string Method, string Route, EndpointMetadataCollection Metadata)> Endpoints() =>
        Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (Key: $"{m} /{e.RoutePattern.RawText!.Trim('/')}", Method: m, Route: "/" + e.RoutePattern.RawText!.Trim('/'), e.Metadata)))
            .ToList();

    [Fact]
    public void Every_endpoint_names_a_role_policy_or_is_one_of_the_known_anonymous_ones()
    {
        var endpoints = Endpoints();
        Assert.NotEmpty(endpoints);
        foreach (var (key, _, _, metadata) in endpoints)
        {
            if (metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                Assert.True(s_anonymous.Contains(key), $"{key} allows anonymous access but is not in the reviewed list.");
                continue;
            }

            var policies = metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
            Assert.True(policies.Any(s_policies.Contains), $"{key} has no role policy (found: {string.Join(", ", policies)}).");
        }
    }

    [Fact]
    public async Task Every_protected_endpoint_answers_401_problem_details_without_a_token()
    {
        var client = Anonymous();
        foreach (var (key, method, route, metadata) in Endpoints().Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            var url = System.Text.RegularExpressions.Regex.Replace(route, "{[^}]+}", Guid.CreateVersion7().ToString());
            var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (method is "POST" or "PUT")
            {
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            }

            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{key} answered {(int)response.StatusCode} without a token.");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    /// <summary>
    /// api-spec/openapi.json is what the app serves. To regenerate after an endpoint change:
    /// <c>UPDATE_OPENAPI=1 dotnet test --filter FullyQualifiedName~OpenApi</c>.
    /// </summary>
    [Fact]
    public async Task Checked_in_openapi_document_matches_what_the_app_serves()
    {
        var served = await Anonymous().GetStringAsync(OpenApiSetup.DocumentPath);
        var pretty = JsonNode.Parse(served)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var path = Path.Combine(RepositoryRoot(), "api-spec", "openapi.json");
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, pretty);
        }

        Assert.True(File.Exists(path), "api-spec/openapi.json is missing: regenerate it with UPDATE_OPENAPI=1.");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(await File.ReadAllTextAsync(path)), JsonNode.Parse(served)),
            "api-spec/openapi.json differs from the served document: regenerate it with UPDATE_OPENAPI=1 dotnet test --filter FullyQualifiedName~OpenApi");
    }

    [Fact]
    public async Task Every_openapi_operation_has_an_id_a_summary_and_its_error_responses()
    {
        var document = JsonNode.Parse(await Anonymous().GetStringAsync(OpenApiSetup.DocumentPath))!;
        var operations = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (Key: $"{o.Key} {p.Key}", Operation: o.Value!))).ToList();
        Assert.NotEmpty(operations);
        Assert.Equal(operations.Count, operations.Select(o => o.Operation["operationId"]?.GetValue<string>()).Distinct().Count());
        foreach (var (key, operation) in operations)
        {
            Assert.False(string.IsNullOrEmpty(operation["operationId"]?.GetValue<string>()), $"{key} has no operationId");
            Assert.False(string.IsNullOrEmpty(operation["summary"]?.GetValue<string>()), $"{key} has no summary");
            var responses = operation["responses"]!.AsObject().Select(r => r.Key).ToList();
            // Health probes answer 200 or 503 and nothing else; every other operation has its client errors.
            if (key.Contains("/health/", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.Contains(responses, r => r.StartsWith('4'));
            Assert.Contains("500", responses);
            if (operation["security"] is JsonArray { Count: > 0 })
            {
                Assert.Contains("401", responses);
                Assert.Contains("403", responses);
            }
        }
    }

    [Fact]
    public async Task Swagger_ui_and_health_are_served_without_a_token()
    {
        var client = Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/swagger/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ClinicApi.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ClinicApi.sln not found above the test output.");
    }
}
