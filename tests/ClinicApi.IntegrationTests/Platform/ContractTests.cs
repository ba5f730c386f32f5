using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClinicApi.Features.Auth;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Platform;

public sealed class ContractOnPostgres(PostgresServer server) : ContractTests(new PostgresDatabases(server));

public sealed class ContractOnSqlite() : ContractTests(new SqliteDatabases());

/// <summary>
/// The contract a generated client relies on: the JSON policy (unknown members, repeated members and numbers in
/// strings are refused with a 400 naming the member, and nothing is stored), GET /me, the development clock, and
/// the OpenAPI document's request examples, every one of which the API accepts as valid.
/// </summary>
public abstract class ContractTests(ITestDatabases databases) : ApiTest(databases)
{
    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private const string Patient = """
        "medicalRecordNumber": "MRN-JSON-1", "givenName": "Ada", "familyName": "Lovelace", "dateOfBirth": "1978-04-12", "sex": "female"
        """;

    public static TheoryData<string, string, string> RefusedBodies() => new()
    {
        { "unknown member", $$"""{ {{Patient}}, "dateOfBrith": "1978-04-12" }""", "dateOfBrith" },
        { "an id in the body", $$"""{ {{Patient}}, "id": "0193a5b2-7c1d-7e4f-8a9b-1c2d3e4f5a6b" }""", "id" },
        { "a version in the body", $$"""{ {{Patient}}, "version": 7 }""", "version" },
        { "duplicate key", $$"""{ {{Patient}}, "givenName": "Grace" }""", "givenName" },
        { "number as a string", $$"""{ {{Patient}}, "painDurationWeeks": "12" }""", "painDurationWeeks" },
    };

    [Theory]
    [MemberData(nameof(RefusedBodies))]
    public async Task The_JSON_policy_refuses_the_body_with_a_400_naming_the_member_and_stores_nothing(string what, string json, string member)
    {
        var response = await Client(Roles.FrontDesk).PostAsync("/patients", JsonBody(json));

        var errors = await AssertValidationProblemAsync(response);
        Assert.True(errors.Contains(member), $"{what}: errors name {string.Join(", ", errors)}, not {member}");
        await using var db = Db();
        Assert.Equal(0, db.Patients.Count());
    }

    [Fact]
    public async Task Nested_unknown_members_are_named_by_their_path()
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        var response = await Client(Roles.Admin).PutAsync($"/therapists/{therapist.Id}/working-hours", JsonBody("""
            { "ranges": [ { "weekday": "monday", "startsAt": "08:00", "endsAt": "12:00", "room": "2" } ] }
            """));

        Assert.Contains("ranges[0].room", await AssertValidationProblemAsync(response));
    }

    [Fact]
    public async Task The_same_body_without_the_offending_member_is_accepted()
    {
        var response = await Client(Roles.FrontDesk).PostAsync("/patients", JsonBody($$"""{ {{Patient}}, "painDurationWeeks": 12 }"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Me_names_the_subject_the_role_and_a_therapists_own_record()
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        var me = await As(therapist).GetFromJsonAsync<MeResponse>("/me", Json);
        Assert.Equal(therapist.UserId, me!.Subject);
        Assert.Equal(Roles.Therapist, me.Role);
        Assert.Equal(therapist.Id, me.Therapist!.Id);

        var desk = Guid.NewGuid();
        var frontDesk = await Client(Roles.FrontDesk, desk).GetFromJsonAsync<JsonElement>("/me", Json);
        Assert.Equal(desk.ToString(), frontDesk.GetProperty("subject").GetString());
        Assert.Equal(Roles.FrontDesk, frontDesk.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, frontDesk.GetProperty("therapist").ValueKind);

        await AssertProblemAsync(await Anonymous().GetAsync("/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_development_clock_offset_moves_the_clinics_today()
    {
        await using var shifted = CreateFactory(ConnectionString);
        shifted.Settings["Clinic:ClockOffset"] = "3650.00:00:00";
        var client = ClientFor(shifted, Roles.Admin);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        // A date of birth ten years ahead of the real today is in the past of the shifted clinic.
        var response = await SendAsync(client, HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = "MRN-CLOCK-1", givenName = "Ada", familyName = "Lovelace", dateOfBirth = today.AddYears(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), sex = "female",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var unshifted = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = "MRN-CLOCK-2", givenName = "Ada", familyName = "Lovelace", dateOfBirth = today.AddYears(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), sex = "female",
        });
        Assert.Contains("dateOfBirth", await AssertValidationProblemAsync(unshifted));
    }

    /// <summary>
    /// Every request example in the document, sent as a reader would (path ids from the examples, so most name
    /// nothing yet): the API never refuses one as invalid (400), and answers a status the operation documents.
    /// The clock is set to 1 December 2026, the examples' date (OpenApiRequestExamples says why).
    /// </summary>
    [Fact]
    public async Task Every_request_example_of_the_document_passes_validation()
    {
        new TestClock(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero)).Install(Factory);
        // The CSV import's example names this record number: with the patient registered it lands whole.
        var registered = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = "MRN-204817", givenName = "Ada", familyName = "Lovelace", dateOfBirth = "1978-04-12", sex = "female",
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var document = JsonNode.Parse(await Anonymous().GetStringAsync(OpenApiSetup.DocumentPath))!;
        var sent = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (operation!["requestBody"]?["content"] is not JsonObject content)
                {
                    continue;
                }

                var (mediaType, media) = content.First();
                var url = path.Replace("{id}", "0193a5b2-7c1d-7e4f-8a9b-1c2d3e4f5a6b", StringComparison.Ordinal)
                    .Replace("{timeOffId}", "0193a5b2-7c1d-7e4f-8a9b-1c2d3e4f5a6c", StringComparison.Ordinal);
                var example = media!["example"] ?? throw new InvalidOperationException($"{method} {path} has no request example");
                using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url)
                {
                    Content = new StringContent(example is JsonValue v && v.TryGetValue<string>(out var text) && mediaType != "application/json" ? text : example.ToJsonString(),
                        Encoding.UTF8, mediaType),
                };
                request.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
                var client = Client(Roles.Admin);
                var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                sent++;
                Assert.True(response.StatusCode != HttpStatusCode.BadRequest, $"{method.ToUpperInvariant()} {path}: its example is refused as invalid: {body}");
                var documented = operation["responses"]!.AsObject().Select(r => r.Key).ToList();
                Assert.True(documented.Contains(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    $"{method.ToUpperInvariant()} {path}: answered {(int)response.StatusCode}, which it does not document ({string.Join(", ", documented)})");
                if ((int)response.StatusCode >= 400)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            }
        }

        Assert.True(sent >= 25, $"only {sent} request examples were sent");
    }
}
