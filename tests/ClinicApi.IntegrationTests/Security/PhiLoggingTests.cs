using System.Net;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Episodes;
using ClinicApi.Features.Measurements;
using ClinicApi.Features.Patients;
using ClinicApi.Features.Scheduling;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Security;

/// <summary>
/// A patient with a distinctive name, birth date and notes; then every mapped endpoint is called, with that
/// patient's ids where the route takes them. Not one log line may carry any of those values.
/// </summary>
public sealed class PhiLoggingTests() : ApiTest(new SqliteDatabases())
{
    private const string GivenName = "Xanthippe";
    private const string FamilyName = "Quackenbush";
    private const string BirthDate = "1953-11-27";
    private const string Note = "allergic-to-lanolin";
    private const string Referral = "referred-after-trampoline-fall";
    private const string Cancellation = "grandson-wedding-in-Oban";
    private const string Description = "bruised-left-elbow-on-plinth";
    private const string Mrn = "MRN-PHI-8841";

    [Fact]
    public async Task No_log_line_carries_a_name_birth_date_or_note_whatever_endpoint_is_called()
    {
        var admin = Client(Roles.Admin);
        var therapist = await Clinic.CreateTherapistAsync(admin, "exercise-therapy");
        var created = await SendAsync(admin, HttpMethod.Post, "/patients", new
        {
            medicalRecordNumber = Mrn, givenName = GivenName, familyName = FamilyName, dateOfBirth = BirthDate, sex = "female",
            notes = Note, painDurationWeeks = 20, consentToDeidentifiedReporting = true,
        });
        var patient = await ReadAsync<PatientResponse>(created);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var episode = await ReadAsync<EpisodeResponse>(await SendAsync(admin, HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id, armId = ArmCatalogue.PhysiotherapyId, primaryTherapistId = therapist.Id, startDate = today, referralReason = Referral,
        }));
        var hours = await admin.GetAsync($"/therapists/{therapist.Id}/working-hours");
        var days = new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" };
        await SendAsync(admin, HttpMethod.Put, $"/therapists/{therapist.Id}/working-hours",
            new { ranges = days.Select(d => new { weekday = d, startsAt = "00:00", endsAt = "23:45" }) }, hours.Headers.ETag!.Tag);
        var booked = await SendAsync(admin, HttpMethod.Post, "/sessions", new
        {
            patientId = patient.Id, therapistId = therapist.Id, episodeId = episode.Id, kind = "physiotherapy",
            startsAt = DateTime.UtcNow.Date.AddDays(3).AddHours(10), durationMinutes = 30,
        });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var session = await ReadAsync<SessionResponse>(booked);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(admin, HttpMethod.Post, $"/sessions/{session.Id}/cancel",
            new { by = "patient", reason = Cancellation }, booked.Headers.ETag!.Tag)).StatusCode);
        var measurement = await ReadAsync<MeasurementResponse>(await SendAsync(admin, HttpMethod.Post, $"/patients/{patient.Id}/measurements",
            new { instrument = "pain-nrs", takenAt = DateTime.UtcNow.AddHours(-1), score = 5 }));
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(admin, HttpMethod.Post, $"/episodes/{episode.Id}/adverse-events",
            new { occurredOn = today, severity = "mild", relatedness = "possible", code = "other", description = Description })).StatusCode);
        // A request that fails validation echoes nothing into the logs either.
        await SendAsync(admin, HttpMethod.Put, $"/patients/{patient.Id}", new { givenName = GivenName, familyName = FamilyName, dateOfBirth = "2999-01-01" }, "\"1\"");
        await admin.GetAsync($"/patients?search={FamilyName}&mrn={Mrn}");

        var ids = new Dictionary<CareResource, Guid>
        {
            [CareResource.Patient] = patient.Id, [CareResource.Episode] = episode.Id, [CareResource.Session] = session.Id, [CareResource.Measurement] = measurement.Id,
        };
        var called = 0;
        foreach (var endpoint in Endpoints.Of(Factory))
        {
            var care = PatientDataRoutes.Classify(endpoint.Route)?.Care;
            var url = Endpoints.Url(endpoint.Route, care is { } c ? ids[c] : therapist.Id);
            foreach (var client in new[] { admin, Client(Roles.Therapist) })
            {
                await client.SendAsync(endpoint.Request(url));
                called++;
            }
        }

        Assert.True(called > 140);
        var logs = string.Join("\n", Factory.Logs);
        Assert.Contains(patient.Id.ToString(), logs);
        foreach (var secret in new[] { GivenName, FamilyName, BirthDate, Note, Referral, Cancellation, Description, Mrn })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }
    }
}
