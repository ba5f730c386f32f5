using System.Net;
using System.Text;
using ClinicApi.Data;
using ClinicApi.Features.Patients;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Patients;

public sealed class PatientsOnSqlite() : PatientsTests(new SqliteDatabases());

public sealed class PatientsOnPostgres(PostgresServer server) : PatientsTests(new PostgresDatabases(server));

public sealed class PatientsOnSqlServer(SqlServerServer server) : PatientsTests(new SqlServerDatabases(server));

public abstract class PatientsTests(ITestDatabases databases) : ApiTest(databases)
{
    private static object NewPatient(string mrn, string given = "Ada", string family = "Lovelace") => new
    {
        medicalRecordNumber = mrn,
        givenName = given,
        familyName = family,
        dateOfBirth = "1980-02-03",
        sex = "female",
        email = "ada@example.org",
        painDurationWeeks = 20,
        hasAnxiety = true,
        consentToDeidentifiedReporting = true,
        notes = "Prefers morning sessions",
    };

    private static async Task<(PatientResponse Patient, string ETag)> RegisterAsync(HttpClient client, string mrn, string given = "Ada", string family = "Lovelace")
    {
        var response = await SendAsync(client, HttpMethod.Post, "/patients", NewPatient(mrn, given, family));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync<PatientResponse>(response), response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Register_then_get_returns_the_stored_patient_with_location_and_etag()
    {
        var client = Client(Roles.FrontDesk);
        var created = await SendAsync(client, HttpMethod.Post, "/patients", NewPatient("MRN-100"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var patient = await ReadAsync<PatientResponse>(created);
        Assert.Equal($"/patients/{patient.Id}", created.Headers.Location?.OriginalString);
        Assert.Equal(7, patient.Id.Version);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);

        var fetched = await client.GetAsync($"/patients/{patient.Id}");
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal("\"1\"", fetched.Headers.ETag?.Tag);
        var body = await ReadAsync<PatientResponse>(fetched);
        Assert.Equal("MRN-100", body.MedicalRecordNumber);
        Assert.Equal(new DateOnly(1980, 2, 3), body.DateOfBirth);
        Assert.Equal(Sex.Female, body.Sex);
        Assert.True(body.ConsentToDeidentifiedReporting);
        // The clinical flags are stored, but the front desk does not see them (LeastPrivilegeTests); an admin does.
        Assert.Null(body.HasAnxiety);
        var clinical = await ReadAsync<PatientResponse>(await Client(Roles.Admin).GetAsync($"/patients/{patient.Id}"));
        Assert.True(clinical.HasAnxiety);
        Assert.False(clinical.HasDepression);
        Assert.Equal(20, body.PainDurationWeeks);
        Assert.Equal(PatientStatus.Active, body.Status);
        Assert.Equal(DateTimeKind.Utc, body.CreatedAt.Kind);
    }

    [Fact]
    public async Task Invalid_registration_is_400_with_errors_keyed_by_json_field_and_stores_nothing()
    {
        var client = Client(Roles.FrontDesk);
        var response = await SendAsync(client, HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = "",
            givenName = "Ada",
            dateOfBirth = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            sex = "female",
            email = "not-an-email",
            painOnsetDate = "2020-01-01",
            painDurationWeeks = 3,
        });

        var fields = await AssertValidationProblemAsync(response);
        Assert.Equivalent(new[] { "medicalRecordNumber", "familyName", "dateOfBirth", "email", "painOnsetDate", "painDurationWeeks" }, fields, strict: true);
        await using var db = Db();
        Assert.Empty(db.Patients);
    }

    [Theory]
    [InlineData("{\"medicalRecordNumber\": \"MRN-1\", ")]
    [InlineData("{\"medicalRecordNumber\": 42}")]
    [InlineData("{\"dateOfBirth\": \"yesterday\"}")]
    [InlineData("{\"sex\": \"robot\"}")]
    [InlineData("[1, 2, 3]")]
    [InlineData("")]
    public async Task Malformed_json_or_wrong_types_are_400_problem_details_never_500(string json)
    {
        var client = Client(Roles.FrontDesk);
        var response = await client.PostAsync("/patients", new StringContent(json, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        var response = await Client(Roles.FrontDesk).PostAsync("/patients", new StringContent("name=Ada", Encoding.UTF8, "text/plain"));

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Unknown_patient_is_404_problem_details()
    {
        var response = await Client(Roles.Therapist).GetAsync($"/patients/{Guid.CreateVersion7()}");

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Duplicate_medical_record_number_is_409_even_when_registrations_race()
    {
        var client = Client(Roles.FrontDesk);
        await RegisterAsync(client, "MRN-7");
        var duplicate = await SendAsync(client, HttpMethod.Post, "/patients", NewPatient("MRN-7", "Other", "Person"));
        await AssertProblemAsync(duplicate, HttpStatusCode.Conflict);

        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, "/patients", NewPatient("MRN-8"))));
        Assert.Single(racing, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(racing.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        await using var db = Db();
        Assert.Equal(1, db.Patients.Count(p => p.MedicalRecordNumber == "MRN-8"));
    }

    [Fact]
    public async Task Update_requires_if_match_428_when_missing_412_when_stale()
    {
        var client = Client(Roles.FrontDesk);
        var (patient, etag) = await RegisterAsync(client, "MRN-20");
        var changed = NewPatient("MRN-20", "Augusta Ada", "King");

        await AssertProblemAsync(await SendAsync(client, HttpMethod.Put, $"/patients/{patient.Id}", changed), HttpStatusCode.PreconditionRequired);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Put, $"/patients/{patient.Id}", changed, ifMatch: "*"), HttpStatusCode.PreconditionRequired);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Put, $"/patients/{patient.Id}", changed, ifMatch: "\"99\""), HttpStatusCode.PreconditionFailed);

        var updated = await SendAsync(client, HttpMethod.Put, $"/patients/{patient.Id}", changed, ifMatch: etag);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("\"2\"", updated.Headers.ETag?.Tag);
        Assert.Equal("King", (await ReadAsync<PatientResponse>(updated)).FamilyName);

        // The first ETag is now stale: replaying it must not overwrite the change.
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Put, $"/patients/{patient.Id}", NewPatient("MRN-20"), ifMatch: etag), HttpStatusCode.PreconditionFailed);
        var current = await ReadAsync<PatientResponse>(await client.GetAsync($"/patients/{patient.Id}"));
        Assert.Equal("King", current.FamilyName);
    }

    [Fact]
    public async Task Concurrent_updates_with_the_same_etag_lose_nothing_exactly_one_wins()
    {
        var client = Client(Roles.FrontDesk);
        var (patient, etag) = await RegisterAsync(client, "MRN-30");

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            SendAsync(Client(Roles.FrontDesk), HttpMethod.Put, $"/patients/{patient.Id}", NewPatient("MRN-30", $"Given{i}"), ifMatch: etag)));

        var winner = Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(results.Where(r => r != winner), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        var stored = await ReadAsync<PatientResponse>(await client.GetAsync($"/patients/{patient.Id}"));
        Assert.Equal((await ReadAsync<PatientResponse>(winner)).GivenName, stored.GivenName);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task Changing_to_a_record_number_in_use_is_409()
    {
        var client = Client(Roles.FrontDesk);
        await RegisterAsync(client, "MRN-40");
        var (second, etag) = await RegisterAsync(client, "MRN-41");

        var response = await SendAsync(client, HttpMethod.Put, $"/patients/{second.Id}", NewPatient("MRN-40"), ifMatch: etag);

        await AssertProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Archive_hides_the_patient_from_the_default_list_keeps_the_record_and_restore_brings_it_back()
    {
        var client = Client(Roles.FrontDesk);
        var (patient, etag) = await RegisterAsync(client, "MRN-50");

        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"/patients/{patient.Id}/archive"), HttpStatusCode.PreconditionRequired);
        var archived = await SendAsync(client, HttpMethod.Post, $"/patients/{patient.Id}/archive", ifMatch: etag);
        Assert.Equal(HttpStatusCode.OK, archived.StatusCode);
        var archivedEtag = archived.Headers.ETag!.Tag;
        Assert.Equal(PatientStatus.Archived, (await ReadAsync<PatientResponse>(archived)).Status);

        Assert.Empty((await ReadAsync<Page<PatientResponse>>(await client.GetAsync("/patients"))).Items);
        Assert.Single((await ReadAsync<Page<PatientResponse>>(await client.GetAsync("/patients?status=archived"))).Items);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/patients/{patient.Id}")).StatusCode);

        await AssertProblemAsync(await SendAsync(client, HttpMethod.Put, $"/patients/{patient.Id}", NewPatient("MRN-50"), ifMatch: archivedEtag), HttpStatusCode.Conflict);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"/patients/{patient.Id}/archive", ifMatch: archivedEtag), HttpStatusCode.Conflict);

        var restored = await SendAsync(client, HttpMethod.Post, $"/patients/{patient.Id}/restore", ifMatch: archivedEtag);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Single((await ReadAsync<Page<PatientResponse>>(await client.GetAsync("/patients"))).Items);
    }

    [Fact]
    public async Task List_pages_alphabetically_with_a_cursor_and_no_row_twice()
    {
        var client = Client(Roles.FrontDesk);
        string[] families = ["Young", "Adams", "Brown", "Brown", "Clark", "Evans", "Davies"];
        for (var i = 0; i < families.Length; i++)
        {
            await RegisterAsync(Client(Roles.FrontDesk), $"MRN-6{i}", $"G{i}", families[i]);
        }

        var seen = new List<PatientResponse>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await ReadAsync<Page<PatientResponse>>(await client.GetAsync($"/patients?limit=3{(cursor is null ? "" : $"&cursor={cursor}")}"));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(families.Order(StringComparer.Ordinal), seen.Select(p => p.FamilyName));
        Assert.Equal(seen.Count, seen.Select(p => p.Id).Distinct().Count());
    }

    [Fact]
    public async Task List_caps_the_limit_at_100_and_rejects_bad_paging_input()
    {
        await using (var db = Db())
        {
            for (var i = 0; i < 105; i++)
            {
                var patient = new Patient { MedicalRecordNumber = $"BULK-{i:D3}", GivenName = "", FamilyName = "", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
                patient.Rename("Given", $"Family{i:D3}");
                db.Patients.Add(patient);
            }

            await db.SaveChangesAsync();
        }

        var client = Client(Roles.FrontDesk);
        var page = await ReadAsync<Page<PatientResponse>>(await client.GetAsync("/patients?limit=500"));
        Assert.Equal(100, page.Items.Count);
        Assert.NotNull(page.NextCursor);

        Assert.Contains("limit", await AssertValidationProblemAsync(await client.GetAsync("/patients?limit=0")));
        Assert.Contains("cursor", await AssertValidationProblemAsync(await client.GetAsync("/patients?cursor=not-a-cursor")));
        Assert.Contains("status", await AssertValidationProblemAsync(await client.GetAsync("/patients?status=deleted")));
        await AssertProblemAsync(await client.GetAsync("/patients?limit=ten"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Search_matches_part_of_the_name_case_insensitively_and_the_exact_record_number()
    {
        var client = Client(Roles.FrontDesk);
        await RegisterAsync(client, "MRN-90", "Grace", "Hopper");
        await RegisterAsync(client, "MRN-91", "Alan", "Turing");
        await RegisterAsync(client, "MRN-92", "Ada", "Lovelace");

        var byName = await ReadAsync<Page<PatientResponse>>(await client.GetAsync("/patients?search=HOPP"));
        Assert.Equal("Hopper", Assert.Single(byName.Items).FamilyName);
        var byGiven = await ReadAsync<Page<PatientResponse>>(await client.GetAsync("/patients?search=alan"));
        Assert.Equal("Turing", Assert.Single(byGiven.Items).FamilyName);
        var byMrn = await ReadAsync<Page<PatientResponse>>(await client.GetAsync("/patients?mrn=MRN-92"));
        Assert.Equal("Lovelace", Assert.Single(byMrn.Items).FamilyName);
        Assert.Empty((await ReadAsync<Page<PatientResponse>>(await client.GetAsync("/patients?search=%25"))).Items);
    }

    [Fact]
    public async Task Patient_records_need_a_token_and_a_clinical_or_front_desk_role()
    {
        var id = (await RegisterAsync(Client(Roles.Admin), "MRN-95")).Patient.Id;

        await AssertProblemAsync(await Anonymous().GetAsync($"/patients/{id}"), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await Client(Roles.Manager).GetAsync($"/patients/{id}"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await SendAsync(Client(Roles.Manager), HttpMethod.Post, "/patients", NewPatient("MRN-96")), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await Client(Roles.FrontDesk).GetAsync($"/patients/{id}")).StatusCode);
        // In nobody's care yet (intake): any therapist with an active record may open it to screen and enrol;
        // a therapist token linked to no record may not (LeastPrivilegeTests).
        var colleague = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        Assert.Equal(HttpStatusCode.OK, (await As(colleague).GetAsync($"/patients/{id}")).StatusCode);
        await AssertProblemAsync(await Client(Roles.Therapist).GetAsync($"/patients/{id}"), HttpStatusCode.NotFound);
        var other = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        var enrolled = await SendAsync(As(other), HttpMethod.Post, "/episodes", new
        {
            patientId = id, armId = ClinicApi.Features.Arms.ArmCatalogue.PhysiotherapyId, primaryTherapistId = other.Id,
            startDate = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), referralReason = "GP",
        });
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        // Now in another therapist's care: hidden from the rest.
        await AssertProblemAsync(await As(colleague).GetAsync($"/patients/{id}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await As(other).GetAsync($"/patients/{id}")).StatusCode);
    }
}
