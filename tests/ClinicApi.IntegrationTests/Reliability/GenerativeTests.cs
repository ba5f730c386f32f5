using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Episodes;
using ClinicApi.Features.Scheduling;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using ClinicApi.IntegrationTests.Platform;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Reliability;

public sealed class GenerativeOnSqlite() : GenerativeTests(new SqliteDatabases());

public sealed class GenerativeOnPostgres(PostgresServer server) : GenerativeTests(new PostgresDatabases(server));

/// <summary>
/// Walks every operation of api-spec/openapi.json. For each, a valid request is built from the operation's
/// example (with the ids of a real clinic), then each body property, query parameter and path id in turn gets
/// values generated from its schema: wrong types, null, missing, unknown members, the edges and just-outside of
/// the date bounds and of the calendar, integer and number extremes, strings at and just over every column length
/// of the model, 100,000 characters, NUL and odd Unicode, invalid and unknown ids, null and extra array elements;
/// then a seeded random share of requests with several properties changed at once. Asserts: never 5xx; every 4xx
/// is problem+json; a rejected request changes the row count of no table (the audit trail records attempts).
/// The seed is printed with every failure; set CLINICAPI_GENERATIVE_SEED to replay one.
/// </summary>
public abstract class GenerativeTests(ITestDatabases databases) : ApiTest(databases)
{
    private const int DefaultSeed = 18;
    private const int RandomCombinationsPerOperation = 12;
    private static readonly DateTime s_now = new(2027, 3, 1, 7, 0, 0, DateTimeKind.Utc);
    private readonly TestClock _clock = new(new DateTimeOffset(s_now));

    private sealed record Operation(string Method, string Path, JsonObject? BodySchema, JsonNode? Example, string? ContentType, IReadOnlyList<(string Name, JsonObject Schema)> Query);

    private sealed record Ids(Guid Patient, Guid Therapist, Guid Episode, Guid Session, Guid Measurement, Guid Study, Guid Arm, Guid TimeOff);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Factory.Settings["Security:PermitsPerMinute"] = "10000000";
        Factory.Settings["Security:Burst"] = "10000000";
        _clock.Install(Factory);
    }

    private static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("CLINICAPI_GENERATIVE_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    [Fact]
    public async Task Every_operation_with_generated_invalid_and_boundary_values_never_5xx_and_rejections_change_nothing()
    {
        var seed = Seed();
        var random = new Random(seed);
        var admin = Client(Roles.Admin);
        var ids = await SetUpClinicAsync(admin);
        var lengths = await ColumnLengthsAsync();
        var operations = Operations().OrderBy(o => Destructive(o) ? 1 : 0).ThenBy(o => o.Path, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal).ToList();
        var counts = await RowCountsAsync();
        var failures = new List<string>();
        var sent = 0;
        var perOperation = new Dictionary<string, int>();
        var watch = Stopwatch.StartNew();

        foreach (var operation in operations)
        {
            var label = $"{operation.Method} {operation.Path}";
            var path = Fill(operation.Path, ids);
            var etag = await ETagAsync(admin, operation, path);
            var requests = new List<(string What, HttpRequestMessage Request)>();
            HttpRequestMessage Make(string url, string? body, string? contentType = null)
            {
                var message = new HttpRequestMessage(new HttpMethod(operation.Method), url);
                if (body is not null)
                {
                    message.Content = new StringContent(body, Encoding.UTF8, contentType ?? operation.ContentType ?? "application/json");
                }

                if (etag is not null)
                {
                    message.Headers.TryAddWithoutValidation("If-Match", etag);
                }

                return message;
            }

            var baseQuery = operation.Query.ToDictionary(q => q.Name, q => BaseQueryValue(q.Name, q.Schema), StringComparer.Ordinal);
            string Url(string p, IReadOnlyDictionary<string, string?> query) =>
                query.Where(q => q.Value is not null).Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value!)}").ToList() is { Count: > 0 } parts ? $"{p}?{string.Join('&', parts)}" : p;

            // Body: each property with each generated value, then unknown members and whole-body oddities.
            if (operation.BodySchema is { } schema && operation.ContentType == "application/json")
            {
                var valid = BaseBody(operation, schema, ids);
                foreach (var (property, propertySchema) in Properties(schema))
                {
                    foreach (var (what, value, remove) in Values(propertySchema, lengths, random))
                    {
                        var body = (JsonObject)valid.DeepClone();
                        if (remove)
                        {
                            body.Remove(property);
                        }
                        else
                        {
                            body[property] = value?.DeepClone();
                        }

                        requests.Add(($"{label} {property}={what}", Make(Url(path, baseQuery), body.ToJsonString())));
                    }
                }

                var unknown = (JsonObject)valid.DeepClone();
                unknown["unknownMember"] = "x";
                unknown["__proto__"] = new JsonObject { ["admin"] = true };
                requests.Add(($"{label} unknown members", Make(Url(path, baseQuery), unknown.ToJsonString())));
                foreach (var whole in new[] { "null", "[]", "\"text\"", "{}", "{\"a\":" })
                {
                    requests.Add(($"{label} body {whole}", Make(Url(path, baseQuery), whole)));
                }

                for (var i = 0; i < RandomCombinationsPerOperation; i++)
                {
                    var body = (JsonObject)valid.DeepClone();
                    var changed = new List<string>();
                    foreach (var (property, propertySchema) in Properties(schema).Where(_ => random.Next(3) == 0))
                    {
                        var options = Values(propertySchema, lengths, random).ToList();
                        var (what, value, remove) = options[random.Next(options.Count)];
                        changed.Add($"{property}={what}");
                        if (remove)
                        {
                            body.Remove(property);
                        }
                        else
                        {
                            body[property] = value?.DeepClone();
                        }
                    }

                    requests.Add(($"{label} random[{i}] {string.Join(" ", changed)}", Make(Url(path, baseQuery), body.ToJsonString())));
                }
            }
            else if (operation.ContentType is { } type)
            {
                // The CSV import: odd bodies of the declared type.
                foreach (var (what, body) in CsvBodies(lengths))
                {
                    requests.Add(($"{label} {what}", Make(path, body, type)));
                }
            }

            // Query: each parameter with each generated value, the others valid.
            foreach (var (name, parameterSchema) in operation.Query)
            {
                foreach (var (what, value, remove) in Values(parameterSchema, lengths, random))
                {
                    var query = new Dictionary<string, string?>(baseQuery, StringComparer.Ordinal) { [name] = remove ? null : QueryText(value) };
                    requests.Add(($"{label}?{name}={what}", Make(Url(path, query), operation.BodySchema is null ? null : BaseBody(operation, operation.BodySchema, ids).ToJsonString())));
                }
            }

            // Every operation, parameters or not: unknown query members, one holding a NUL.
            foreach (var junk in new[] { "unknownParameter=1", "unknownParameter=%00", "limit=%27%20OR%201%3D1" })
            {
                requests.Add(($"{label}?{junk}", Make($"{Url(path, baseQuery)}{(baseQuery.Values.Any(v => v is not null) ? '&' : '?')}{junk}",
                    operation.BodySchema is null ? null : BaseBody(operation, operation.BodySchema, ids).ToJsonString())));
            }

            // Path: invalid and unknown ids in every template slot.
            if (operation.Path.Contains('{', StringComparison.Ordinal))
            {
                foreach (var junk in new[] { "not-a-guid", "00000000-0000-0000-0000-000000000000", Guid.CreateVersion7().ToString(), new string('9', 300), "%2e%2e", "%27%20OR%201%3D1" })
                {
                    var bad = operation.Path.Replace("{id}", junk, StringComparison.Ordinal).Replace("{timeOffId}", junk, StringComparison.Ordinal).Replace("{code}", junk, StringComparison.Ordinal);
                    requests.Add(($"{label} with id {junk[..Math.Min(20, junk.Length)]}", Make(Url(bad, baseQuery),
                        operation.BodySchema is null ? null : BaseBody(operation, operation.BodySchema, ids).ToJsonString())));
                }
            }

            perOperation[label] = requests.Count;
            foreach (var (what, request) in requests)
            {
                sent++;
                var response = await admin.SendAsync(request);
                var status = (int)response.StatusCode;
                if (status >= 500)
                {
                    failures.Add($"{Trim(what)}: {status} {Trim(await response.Content.ReadAsStringAsync())}");
                }
                else if (status >= 400)
                {
                    if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        failures.Add($"{Trim(what)}: {status} with {response.Content.Headers.ContentType?.MediaType ?? "no content type"}");
                    }

                    var after = await RowCountsAsync();
                    if (!after.SequenceEqual(counts))
                    {
                        failures.Add($"{Trim(what)}: rejected with {status} but changed {string.Join(", ", after.Where(a => counts[a.Key] != a.Value).Select(a => $"{a.Key} {counts[a.Key]} -> {a.Value}"))}");
                        counts = after;
                    }
                }
                else
                {
                    // An accepted boundary value may write; it is the new baseline. Its new ETag is the one to send.
                    counts = await RowCountsAsync();
                    etag = await ETagAsync(admin, operation, path);
                }
            }
        }

        var elapsed = watch.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"generative ({Databases.Provider}, seed {seed}): {sent} requests over {operations.Count} operations in {elapsed.TotalSeconds:F1} s");
        Assert.Equal(operations.Count, perOperation.Count);
        Assert.All(perOperation, p => Assert.True(p.Value >= 3, $"{p.Key}: only {p.Value} requests generated"));
        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} of {sent} requests went wrong:\n{string.Join("\n", failures.Take(40))}");
        // The walk is bounded by construction (a fixed set of values per schema, RandomCombinationsPerOperation random
        // ones); this guard only turns a hang into a failure. Alone it takes under a minute per provider.
        Assert.True(elapsed < TimeSpan.FromSeconds(600), $"The generative walk took {elapsed.TotalSeconds:F0} s.");
    }

    /// <summary>Status changes and erasure run last: before them, every other operation meets a live record.</summary>
    private static bool Destructive(Operation operation) =>
        operation.Method == "DELETE" || new[] { "/erase", "/archive", "/deactivate", "/close", "/complete", "/discontinue", "/change-arm", "/cancel", "/no-show", "/attended", "/entered-in-error" }
            .Any(s => operation.Path.EndsWith(s, StringComparison.Ordinal));

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
                var media = content?.FirstOrDefault();
                var body = media?.Value is { } m ? Resolve(m["schema"], schemas) : null;
                var query = operation["parameters"]?.AsArray().Where(p => p!["in"]?.GetValue<string>() == "query")
                    .Select(p => (p!["name"]!.GetValue<string>(), Resolve(p["schema"], schemas) ?? new JsonObject())).ToList() ?? [];
                operations.Add(new Operation(method.ToUpperInvariant(), path, body is null ? null : Inline(body, schemas, 0), media?.Value?["example"], media?.Key, query));
            }
        }

        return operations;
    }

    private static JsonObject? Resolve(JsonNode? schema, JsonObject? schemas) =>
        schema?["$ref"]?.GetValue<string>() is { } reference ? schemas?[reference.Split('/')[^1]]?.DeepClone().AsObject() : schema?.DeepClone().AsObject();

    /// <summary>The schema with every <c>$ref</c> replaced by its definition (to a small depth), so values can be generated for nested items.</summary>
    private static JsonObject Inline(JsonObject schema, JsonObject? schemas, int depth)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in schema)
        {
            copy[key] = value switch
            {
                JsonObject o when NonNull(o) is { } inner && depth < 4 => Inline(Resolve(inner, schemas)!, schemas, depth + 1),
                JsonObject o when o["$ref"] is not null && depth < 4 => Inline(Resolve(o, schemas)!, schemas, depth + 1),
                JsonObject o when depth < 4 => Inline(o, schemas, depth + 1),
                _ => value?.DeepClone(),
            };
        }

        return copy;
    }

    /// <summary>The value branch of a nullable reference (OpenAPI 3.1 <c>anyOf: [{$ref}, {type: null}]</c>), or null.</summary>
    private static JsonObject? NonNull(JsonObject schema) =>
        schema["anyOf"] is JsonArray { Count: 2 } any && any.Any(a => a?["type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && a["type"]!.GetValue<string>() == "null")
            ? any.OfType<JsonObject>().First(a => a["type"] is null)
            : null;

    /// <summary>The schema's type without "null" (3.1 writes a nullable type as <c>["string", "null"]</c>).</summary>
    private static string? TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => null,
    };

    private static IEnumerable<(string Name, JsonObject Schema)> Properties(JsonObject schema) =>
        schema["properties"]?.AsObject().Select(p => (p.Key, p.Value as JsonObject ?? new JsonObject())) ?? [];

    /// <summary>Values for one schema: (label, value, remove the member instead).</summary>
    private static IEnumerable<(string What, JsonNode? Value, bool Remove)> Values(JsonObject schema, IReadOnlyCollection<int> lengths, Random random)
    {
        var type = TypeOf(schema);
        var format = schema["format"]?.GetValue<string>();
        yield return ("null", null, false);
        yield return ("missing", null, true);
        yield return ("object", new JsonObject { ["nested"] = new JsonObject { ["deeper"] = 1 } }, false);
        if (type != "array")
        {
            yield return ("array", new JsonArray(1, "two", null), false);
        }

        if (schema["enum"] is JsonArray members)
        {
            yield return ("unknown member", "not-a-member", false);
            yield return ("upper case", members[0]!.GetValue<string>().ToUpperInvariant(), false);
            yield return ("integer for enum", 0, false);
            yield return ("empty", string.Empty, false);
            yield break;
        }

        switch (type, format)
        {
            case ("string", "date"):
                foreach (var date in new[] { "0001-01-01", "9999-12-31", "9999-12-24", "1899-12-31", "1900-01-01", "2100-12-31", "2101-01-01", "2024-02-30", "2027-13-01", "27-03-01", "2027-03-01T09:00:00Z" })
                {
                    yield return (date, date, false);
                }

                yield return ("number", 20270301, false);
                break;
            case ("string", "date-time"):
                foreach (var instant in new[]
                         {
                             "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:30:00Z", "9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59-14:00",
                             "1899-12-31T23:59:59Z", "1900-01-01T00:00:00Z", "2100-12-31T23:59:59Z", "2101-01-01T00:00:00Z", "2100-12-31T23:59:59-14:00",
                             "2027-03-01T25:00:00Z", "2027-03-01T09:00:00+99:00", "2027-03-01", "yesterday",
                         })
                {
                    yield return (instant, instant, false);
                }

                yield return ("number", 1_700_000_000, false);
                break;
            case ("string", "uuid"):
                yield return ("not a guid", "not-a-guid", false);
                yield return ("empty guid", Guid.Empty.ToString(), false);
                yield return ("unknown guid", Guid.CreateVersion7().ToString(), false);
                yield return ("number", 42, false);
                break;
            case ("string", _):
                yield return ("empty", string.Empty, false);
                yield return ("blank", "   ", false);
                yield return ("NUL", "a\u0000b", false);
                yield return ("emoji and RTL", "😀\u202Eabc\u0301", false);
                yield return ("injection", "'; DROP TABLE patients; --{{7*7}}<script>", false);
                yield return ("time edge", "24:00", false);
                yield return ("time", "23:59", false);
                yield return ("100,000 characters", new string('x', 100_000), false);
                // Every column length of the model, and one more: equal must be judged the same on both providers.
                var length = lengths.ElementAt(random.Next(lengths.Count));
                yield return ($"{length} characters", new string('y', length), false);
                yield return ($"{length + 1} characters", new string('y', length + 1), false);
                yield return ("number", 12, false);
                break;
            case ("integer", _):
                foreach (var value in new long[] { -1, 0, 1, int.MaxValue, int.MinValue, long.MaxValue })
                {
                    yield return (value.ToString(CultureInfo.InvariantCulture), value, false);
                }

                yield return ("fraction", 1.5, false);
                yield return ("1e400 as text", "1e400", false);
                yield return ("string", "12", false);
                break;
            case ("number", _):
                foreach (var value in new[] { -1.0, 0, 1e308, -1e308, 0.1 + 0.2, double.Epsilon })
                {
                    yield return (value.ToString("R", CultureInfo.InvariantCulture), value, false);
                }

                yield return ("NaN", "NaN", false);
                yield return ("string", "5", false);
                break;
            case ("boolean", _):
                yield return ("string", "true", false);
                yield return ("number", 1, false);
                break;
            case ("array", _):
                yield return ("empty", new JsonArray(), false);
                yield return ("[null]", new JsonArray((JsonNode?)null), false);
                yield return ("[null, null]", new JsonArray(null, null), false);
                yield return ("string", "text", false);
                var items = schema["items"] as JsonObject ?? new JsonObject();
                var elements = Values(items, lengths, random).Where(v => !v.Remove).ToList();
                foreach (var (what, value, _) in elements.OrderBy(_ => random.Next()).Take(6))
                {
                    yield return ($"[{what}]", new JsonArray(value?.DeepClone()), false);
                }

                yield return ("1,000 elements", new JsonArray([.. Enumerable.Range(0, 1000).Select(i => (JsonNode?)JsonValue.Create(i))]), false);
                break;
            case ("object", _):
                yield return ("empty object", new JsonObject(), false);
                yield return ("unknown member", new JsonObject { ["unknownMember"] = 1 }, false);
                break;
        }
    }

    private static IEnumerable<(string What, string Body)> CsvBodies(IReadOnlyCollection<int> lengths)
    {
        const string header = "medical_record_number,instrument,taken_at,score,items\n";
        yield return ("empty csv", string.Empty);
        yield return ("header only", header);
        yield return ("NUL cell", header + "MRN-GEN-1,pain-\u0000nrs,2027-02-01T09:00:00Z,5,\n");
        yield return ("NUL mrn", header + "MRN-\u0000,pain-nrs,2027-02-01T09:00:00Z,5,\n");
        yield return ("long cell", header + new string('m', 100_000) + ",pain-nrs,2027-02-01T09:00:00Z,5,\n");
        yield return ("column-length mrn", header + new string('m', lengths.Max() + 1) + ",pain-nrs,2027-02-01T09:00:00Z,5,\n");
        foreach (var instant in new[] { "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1899-12-31T00:00:00Z", "2101-01-01T00:00:00Z", "not-a-date" })
        {
            yield return ($"taken_at {instant}", header + $"MRN-GEN-1,pain-nrs,{instant},5,\n");
        }

        yield return ("score 1e400", header + "MRN-GEN-1,pain-nrs,2027-02-01T09:00:00Z,1e400,\n");
        yield return ("quote", header + "\"MRN-GEN-1,pain-nrs,2027-02-01T09:00:00Z,5,\n");
        yield return ("episode junk", "medical_record_number,instrument,taken_at,score,items,episode_id\nMRN-GEN-1,pain-nrs,2027-02-01T09:00:00Z,5,,not-a-guid\n");
    }

    private static string? QueryText(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    private static string? BaseQueryValue(string name, JsonObject schema) =>
        (name.ToLowerInvariant(), schema["format"]?.GetValue<string>()) switch
        {
            ("from", "date") => "2027-03-01",
            ("to", "date") => "2027-03-07",
            ("date", _) => "2027-03-01",
            ("from", "date-time") => "2027-02-01T00:00:00Z",
            ("to", "date-time") => "2027-03-01T00:00:00Z",
            ("durationminutes", _) => "45",
            ("stepminutes", _) => "15",
            ("limit", _) => "10",
            ("instrument", _) => "pain-nrs",
            _ => null,
        };

    private static string Fill(string path, Ids ids) =>
        path.Replace("{timeOffId}", ids.TimeOff.ToString(), StringComparison.Ordinal).Replace("{code}", "pain-nrs", StringComparison.Ordinal)
            .Replace("{id}", (path.Split('/')[1] switch
            {
                "patients" => ids.Patient,
                "therapists" => ids.Therapist,
                "episodes" => ids.Episode,
                "sessions" => ids.Session,
                "measurements" => ids.Measurement,
                "studies" => ids.Study,
                "arms" => ids.Arm,
                _ => Guid.CreateVersion7(),
            }).ToString(), StringComparison.Ordinal);

    /// <summary>The current ETag of what the operation changes (GET of the same path, or of the path without its action), if any.</summary>
    private static async Task<string?> ETagAsync(HttpClient client, Operation operation, string path)
    {
        if (operation.Method == "GET")
        {
            return null;
        }

        var target = operation.Method is "PUT" or "DELETE" || operation.Path.EndsWith("/working-hours", StringComparison.Ordinal) ? path : path[..path.LastIndexOf('/')];
        if (!target.Contains('-', StringComparison.Ordinal))
        {
            return null;
        }

        var response = await client.GetAsync(target);
        return response.IsSuccessStatusCode ? response.Headers.ETag?.Tag : null;
    }

    /// <summary>A request that passes validation: the spec's example, with real ids and the few values its placeholders get wrong.</summary>
    private static JsonObject BaseBody(Operation operation, JsonObject schema, Ids ids)
    {
        var body = operation.Example?.DeepClone() as JsonObject ?? new JsonObject();
        foreach (var (name, _) in Properties(schema))
        {
            JsonNode? value = name switch
            {
                "patientId" => ids.Patient.ToString(),
                "therapistId" or "primaryTherapistId" => ids.Therapist.ToString(),
                "episodeId" => ids.Episode.ToString(),
                "armId" => ArmCatalogue.PhysiotherapyId.ToString(),
                "armIds" => new JsonArray(ArmCatalogue.PhysiotherapyId.ToString(), ArmCatalogue.PhysiotherapyCbtId.ToString()),
                "ratios" => new JsonArray(1, 1),
                "evidenceIds" => new JsonArray(),
                "subject" => Guid.CreateVersion7().ToString(),
                "role" => "admin",
                "startTime" => "09:00",
                "weekdays" => new JsonArray("monday", "thursday"),
                "ranges" => new JsonArray(new JsonObject { ["weekday"] = "monday", ["startsAt"] = "08:00", ["endsAt"] = "18:00" }),
                "instrument" => "pain-nrs",
                "score" => 5,
                "items" => null,
                "answers" => new JsonArray(1, 0, 1, 0, 1, 0, 1, 0, 2),
                "dateOfBirth" => "1985-04-12",
                "painOnsetDate" => "2026-09-01",
                "email" => "someone@example.org",
                "phone" => "+44 20 7946 0000",
                "medicalRecordNumber" => $"MRN-{Guid.NewGuid():N}"[..16],
                "registrationNumber" => $"PH-{Guid.NewGuid():N}"[..16],
                "code" when operation.Path.StartsWith("/arms", StringComparison.Ordinal) => $"gen-{Guid.NewGuid():N}"[..16],
                "userId" => null,
                "durationMinutes" => 45,
                "weeks" => 2,
                "startsAt" when operation.Path.Contains("time-off", StringComparison.Ordinal) => "2027-04-01T00:00:00Z",
                "endsAt" when operation.Path.Contains("time-off", StringComparison.Ordinal) => "2027-04-02T00:00:00Z",
                "startsAt" => "2027-03-02T10:00:00Z",
                "takenAt" => "2027-02-28T09:00:00Z",
                "endDate" or "startDate" or "occurredOn" or "firstDate" => "2027-03-01",
                _ => body[name]?.DeepClone(),
            };
            body[name] = value;
        }

        return body;
    }

    private static async Task<Ids> SetUpClinicAsync(HttpClient admin)
    {
        var therapist = await Clinic.CreateTherapistAsync(admin, "exercise-therapy", "cognitive-behavioural-therapy");
        await Clinic.SetWeekdayHoursAsync(admin, therapist.Id);
        var patient = await Clinic.RegisterPatientAsync(admin, mrn: "MRN-GEN-1");
        var enrolled = await SendAsync(admin, HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id, armId = ArmCatalogue.PhysiotherapyCbtId, primaryTherapistId = therapist.Id, startDate = "2027-02-01", referralReason = "GP referral",
        });
        Assert.True(enrolled.StatusCode == HttpStatusCode.Created, await enrolled.Content.ReadAsStringAsync());
        var episode = await ReadAsync<EpisodeResponse>(enrolled);
        var booked = await SendAsync(admin, HttpMethod.Post, "/sessions", new
        {
            patientId = patient.Id, therapistId = therapist.Id, episodeId = episode.Id, kind = "physiotherapy", startsAt = s_now.AddDays(3).AddHours(4), durationMinutes = 45,
        });
        Assert.True(booked.StatusCode == HttpStatusCode.Created, await booked.Content.ReadAsStringAsync());
        var measured = await SendAsync(admin, HttpMethod.Post, $"/patients/{patient.Id}/measurements", new { instrument = "pain-nrs", takenAt = s_now.AddDays(-7), score = 6 });
        Assert.True(measured.StatusCode == HttpStatusCode.Created, await measured.Content.ReadAsStringAsync());
        var study = await SendAsync(admin, HttpMethod.Post, "/studies", new
        {
            name = "Generative study", armIds = new[] { ArmCatalogue.PhysiotherapyId, ArmCatalogue.PhysiotherapyCbtId }, ratios = new[] { 1, 1 }, blockMultipliers = new[] { 1 }, seed = 3,
        });
        Assert.True(study.StatusCode == HttpStatusCode.Created, await study.Content.ReadAsStringAsync());
        var arm = await SendAsync(admin, HttpMethod.Post, "/arms", new
        {
            code = "generative-arm", name = "Generative arm", description = "Local", sessionsPerWeek = 2, weeks = 6, sessionKinds = new[] { "physiotherapy" }, evidenceIds = Array.Empty<string>(),
        });
        Assert.True(arm.StatusCode == HttpStatusCode.Created, await arm.Content.ReadAsStringAsync());
        var timeOff = await SendAsync(admin, HttpMethod.Post, $"/therapists/{therapist.Id}/time-off", new { startsAt = "2027-05-01T00:00:00Z", endsAt = "2027-05-02T00:00:00Z", reason = "Leave" });
        Assert.True(timeOff.StatusCode == HttpStatusCode.Created, await timeOff.Content.ReadAsStringAsync());
        Guid IdOf(string json) => JsonNode.Parse(json)!["id"]!.GetValue<Guid>();
        return new(patient.Id, therapist.Id, episode.Id, (await ReadAsync<SessionResponse>(booked)).Id, IdOf(await measured.Content.ReadAsStringAsync()),
            IdOf(await study.Content.ReadAsStringAsync()), IdOf(await arm.Content.ReadAsStringAsync()), IdOf(await timeOff.Content.ReadAsStringAsync()));
    }

    /// <summary>Every distinct text column length in the model (the lengths the generator aims at).</summary>
    private async Task<IReadOnlyCollection<int>> ColumnLengthsAsync()
    {
        await using var db = Db();
        return db.Model.GetEntityTypes().SelectMany(e => e.GetProperties()).Where(p => p.ClrType == typeof(string))
            .Select(p => p.GetMaxLength()).OfType<int>().Distinct().Order().ToList();
    }

    /// <summary>Every table's row count (the audit trail excepted: it records attempts), in one round trip.</summary>
    private async Task<Dictionary<string, long>> RowCountsAsync()
    {
        await using var db = Db();
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Where(t => t != "audit_events").Order(StringComparer.Ordinal).ToList();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + string.Join(", ", tables.Select((t, i) => $"(SELECT COUNT(*) FROM \"{t}\") AS c{i}"));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return tables.Select((t, i) => (t, Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture))).ToDictionary(x => x.t, x => x.Item2);
    }

    private static string Trim(string text) => text.Length > 200 ? text[..200] + "..." : text;
}
