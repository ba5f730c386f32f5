using System.Text;
using System.Text.Json.Nodes;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Episodes;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using ClinicApi.IntegrationTests.Platform;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Reliability;

public sealed class BadInputOnSqlite() : BadInputTests(new SqliteDatabases());

public sealed class BadInputOnPostgres(PostgresServer server) : BadInputTests(new PostgresDatabases(server));

public sealed class BadInputOnSqlServer(SqlServerServer server) : BadInputTests(new SqlServerDatabases(server));

/// <summary>
/// For every operation in api-spec/openapi.json, malformed requests generated from its schema: broken and
/// mistyped JSON, missing and extra fields, out-of-range and overflowing numbers, huge strings, invalid GUIDs,
/// dates and time zones, invalid UTF-8, wrong content types, path and query junk, injection strings. None may
/// answer 5xx, every error must be problem+json, and no table but the audit trail may change.
/// </summary>
public abstract class BadInputTests(ITestDatabases databases) : ApiTest(databases)
{
    private static readonly string[] s_junkStrings =
    [
        "", " ", new string('x', 100_000), "'; DROP TABLE patients; --", "<script>alert(1)</script>", "../../etc/passwd",
        "\u0000", "😀😀😀", "2024-02-30", "25:99", "2024-01-01T25:00:00+99:00", "not-a-guid", "NaN", "-1", "1e400", "{{7*7}}",
    ];

    private static readonly JsonNode?[] s_junkValues =
    [
        JsonValue.Create(-1), JsonValue.Create(int.MaxValue), JsonValue.Create(long.MinValue), JsonValue.Create(1.5e300), JsonValue.Create(true),
        new JsonArray(1, 2, 3), new JsonObject { ["nested"] = new JsonObject { ["deeper"] = 1 } }, null,
    ];

    private static readonly string[] s_rawBodies =
    [
        "{", "}", "[]", "null", "\"text\"", "{\"a\":}", "{'single':'quotes'}", "{\"a\":1,}", "{\"a\":1}{\"b\":2}", "{\"n\":99999999999999999999999999999}",
        "{\"n\":1e999}", new string('[', 5000), "\u0000\u0001",
    ];

    private static readonly string[] s_queryJunk =
    [
        "limit=-1", "limit=abc", "limit=99999999999999999999", "cursor=%%%", "cursor=" + new string('A', 5000), "from=2020-13-45", "to=yesterday",
        "date=2024-02-30", "status=%3Cscript%3E", "instrument=' OR 1=1 --", "durationMinutes=1e9", "therapistId=not-a-guid", "when=%00",
    ];

    private sealed record Operation(string Method, string Path, JsonObject? BodySchema, string? ContentType, IReadOnlyList<string> QueryNames);

    private static List<Operation> Operations()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(EndpointInventoryTests.RepositoryRoot(), "api-spec", "openapi.json")))!;
        var schemas = document["components"]?["schemas"]?.AsObject();
        var operations = new List<Operation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var content = operation!["requestBody"]?["content"]?.AsObject();
                var (contentType, schema) = content?.FirstOrDefault() is { Key: { } type, Value: { } media } ? (type, Resolve(media["schema"], schemas)) : (null, null);
                var query = operation["parameters"]?.AsArray().Where(p => p!["in"]?.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>()).ToList() ?? [];
                operations.Add(new Operation(method.ToUpperInvariant(), path, schema, contentType, query));
            }
        }

        return operations;
    }

    private static JsonObject? Resolve(JsonNode? schema, JsonObject? schemas) =>
        schema?["$ref"]?.GetValue<string>() is { } reference ? schemas?[reference.Split('/')[^1]]?.AsObject() : schema?.AsObject();

    /// <summary>Bodies that break the schema: every property with every kind of wrong value, missing, extra.</summary>
    private static IEnumerable<(string Body, string ContentType)> BadBodies(Operation operation, Random random)
    {
        var contentType = operation.ContentType ?? "application/json";
        foreach (var raw in s_rawBodies)
        {
            yield return (raw, contentType);
        }

        yield return ("{}", "text/plain");
        yield return ("{\"unexpected\":true,\"extra\":[1,2]}", contentType);
        var properties = operation.BodySchema?["properties"]?.AsObject().Select(p => p.Key).ToList() ?? [];
        foreach (var property in properties)
        {
            var body = new JsonObject();
            foreach (var other in properties)
            {
                body[other] = JsonValue.Create(s_junkStrings[random.Next(s_junkStrings.Length)]);
            }

            body[property] = s_junkValues[random.Next(s_junkValues.Length)]?.DeepClone();
            yield return (body.ToJsonString(), contentType);
        }
    }

    private async Task<Dictionary<string, long>> RowCountsAsync()
    {
        await using var db = Db();
        var counts = new Dictionary<string, long>();
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Where(t => t != "audit_events"))
        {
            var connection = db.Database.GetDbConnection();
            if (connection.State != System.Data.ConnectionState.Open)
            {
                await connection.OpenAsync();
            }

            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {table}";
            counts[table] = Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return counts;
    }

    [Fact]
    public async Task A_thousand_malformed_requests_get_4xx_problem_details_and_change_nothing()
    {
        Factory.Settings["Security:PermitsPerMinute"] = "10000000";
        Factory.Settings["Security:Burst"] = "10000000";
        var admin = Client(Roles.Admin);
        var therapist = await Clinic.CreateTherapistAsync(admin, "exercise-therapy");
        var patient = await Clinic.RegisterPatientAsync(admin);
        var enrolled = await SendAsync(admin, HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id, armId = ArmCatalogue.PhysiotherapyId, primaryTherapistId = therapist.Id,
            startDate = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), referralReason = "GP",
        });
        var episode = await ReadAsync<EpisodeResponse>(enrolled);
        var before = await RowCountsAsync();
        var random = new Random(20261122);
        var failures = new List<string>();
        var sent = 0;

        async Task ProbeAsync(HttpRequestMessage request, string what)
        {
            sent++;
            var response = await admin.SendAsync(request);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                failures.Add($"{what}: {status} {await response.Content.ReadAsStringAsync()}");
            }
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{what}: {status} with {response.Content.Headers.ContentType?.MediaType ?? "no content type"}");
            }
            else if (status is >= 200 and < 300 && request.Method != HttpMethod.Get)
            {
                failures.Add($"{what}: a malformed write was accepted ({status})");
            }
        }

        foreach (var operation in Operations())
        {
            // The real ids, so that validation and handlers run, not only routing.
            var path = operation.Path.Replace("{id}", operation.Path.StartsWith("/patients", StringComparison.Ordinal) ? patient.Id.ToString()
                    : operation.Path.StartsWith("/episodes", StringComparison.Ordinal) ? episode.Id.ToString()
                    : operation.Path.StartsWith("/therapists", StringComparison.Ordinal) ? therapist.Id.ToString()
                    : Guid.CreateVersion7().ToString(), StringComparison.Ordinal)
                .Replace("{timeOffId}", Guid.CreateVersion7().ToString(), StringComparison.Ordinal)
                .Replace("{code}", "pain-nrs", StringComparison.Ordinal);
            var method = new HttpMethod(operation.Method);
            if (operation.Method is "POST" or "PUT")
            {
                foreach (var (body, contentType) in BadBodies(operation, random))
                {
                    await ProbeAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, contentType) }, $"{operation.Method} {operation.Path} {Trim(body)}");
                }

                // Invalid UTF-8.
                var bytes = new ByteArrayContent([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0x22, 0x7D]);
                bytes.Headers.ContentType = new(operation.ContentType ?? "application/json");
                await ProbeAsync(new HttpRequestMessage(method, path) { Content = bytes }, $"{operation.Method} {operation.Path} invalid UTF-8");
            }

            foreach (var junk in s_queryJunk)
            {
                await ProbeAsync(new HttpRequestMessage(method, $"{path}?{junk}") { Content = operation.Method is "POST" or "PUT" ? new StringContent("{}", Encoding.UTF8, "application/json") : null },
                    $"{operation.Method} {operation.Path}?{Trim(junk)}");
            }

            foreach (var name in operation.QueryNames)
            {
                foreach (var junk in s_junkStrings.Where(j => j.Length < 1000))
                {
                    await ProbeAsync(new HttpRequestMessage(method, $"{path}?{name}={Uri.EscapeDataString(junk)}"), $"{operation.Method} {operation.Path}?{name}={Trim(junk)}");
                }
            }

            if (operation.Path.Contains('{', StringComparison.Ordinal))
            {
                foreach (var junk in new[] { "not-a-guid", "%27%20OR%201%3D1", "00000000-0000-0000-0000-000000000000", new string('9', 300) })
                {
                    await ProbeAsync(new HttpRequestMessage(method, operation.Path.Replace("{id}", junk, StringComparison.Ordinal).Replace("{timeOffId}", junk, StringComparison.Ordinal)
                        .Replace("{code}", junk, StringComparison.Ordinal)), $"{operation.Method} {operation.Path} with id {Trim(junk)}");
                }
            }
        }

        // An otherwise valid write with a NUL in a text field: refused as the field's error, never stored.
        var nul = await SendAsync(admin, HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = "MRN-NUL-1", givenName = "Nu\u0000ll", familyName = "Byte", dateOfBirth = "1970-01-01", sex = "male",
        });
        Assert.Equal(["givenName"], await AssertValidationProblemAsync(nul));

        Assert.True(sent >= 1000, $"Only {sent} requests were generated.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests went wrong:\n{string.Join("\n", failures.Take(30))}");
        Assert.Equal(before, await RowCountsAsync());
    }

    private static string Trim(string text) => text.Length > 60 ? text[..60] + "..." : text;
}
