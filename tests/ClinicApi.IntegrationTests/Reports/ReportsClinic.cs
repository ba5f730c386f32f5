using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClinicApi.Features.Episodes;
using ClinicApi.Features.Therapists;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Reports;

/// <summary>
/// A clinic seeded once for a report test class, whose tests only read it (every report test is a GET): one API
/// start and one seeding per class instead of per rule. A fixed clock (1 September 2027), therapists with the
/// competencies of every arm used, and patients whose episodes start on Monday 1 March 2027 with pain NRS scores
/// at given weeks.
/// </summary>
public abstract class ReportsClinic(ITestDatabases databases) : ApiTest(databases)
{
    private static readonly DateTime s_start = new(2027, 3, 1, 9, 0, 0, DateTimeKind.Utc);
    private readonly TestClock _clock = new(new DateTimeOffset(2027, 9, 1, 12, 0, 0, TimeSpan.Zero));

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _clock.Install(Factory);
    }

    protected Task<TherapistResponse> TherapistAsync() =>
        Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy", "individualised-exercise", "cognitive-behavioural-therapy");

    /// <summary>A patient in an arm with pain NRS scores at the given weeks since 1 March 2027.</summary>
    protected async Task<(Guid PatientId, Guid EpisodeId)> PatientAsync(Guid armId, TherapistResponse therapist, (int Week, int Score)[] scores, bool consent = true)
    {
        var register = await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = $"MRN-{Guid.NewGuid():N}"[..20],
            givenName = "Report",
            familyName = "Patient",
            dateOfBirth = "1985-04-12",
            sex = "female",
            painDurationWeeks = 30,
            consentToDeidentifiedReporting = consent,
        });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var patientId = (await ReadAsync<ClinicApi.Features.Patients.PatientResponse>(register)).Id;
        // The therapist enrols the new patient with themselves as primary therapist: the patient enters their care.
        var enrolled = await SendAsync(As(therapist), HttpMethod.Post, "/episodes", new
        {
            patientId, armId, primaryTherapistId = therapist.Id, startDate = "2027-03-01", referralReason = "GP referral",
        });
        Assert.True(enrolled.StatusCode == HttpStatusCode.Created, await enrolled.Content.ReadAsStringAsync());
        var episodeId = (await ReadAsync<EpisodeResponse>(enrolled)).Id;
        foreach (var (week, score) in scores)
        {
            var recorded = await SendAsync(As(therapist), HttpMethod.Post, $"/patients/{patientId}/measurements",
                new { instrument = "pain-nrs", takenAt = s_start.AddDays(7 * week), score });
            Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        }

        return (patientId, episodeId);
    }

    public HttpClient ClientAs(TherapistResponse therapist) => As(therapist);

    public Task<HttpResponseMessage> GetAsync(string role, string url, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        return Client(role).SendAsync(request);
    }

    public static Task<T> BodyAsync<T>(HttpResponseMessage response) => ReadAsync<T>(response);

    public static Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status) => AssertProblemAsync(response, status);

    public static Task<IReadOnlyList<string>> ValidationProblemAsync(HttpResponseMessage response) => AssertValidationProblemAsync(response);
}
