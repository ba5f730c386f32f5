using System.Net;
using System.Net.Http.Json;
using ClinicApi.Features.Patients;
using ClinicApi.Features.Therapists;

namespace ClinicApi.IntegrationTests.Infrastructure;

/// <summary>Sets a clinic up through the API itself, as a front end would.</summary>
public static class Clinic
{
    public static async Task<PatientResponse> RegisterPatientAsync(
        HttpClient client, string? mrn = null, string dateOfBirth = "1985-04-12", int? painDurationWeeks = 30,
        bool anxiety = false, bool depression = false)
    {
        var response = await client.PostAsJsonAsync("/patients", new
        {
            medicalRecordNumber = mrn ?? $"MRN-{Guid.NewGuid():N}"[..20],
            givenName = "Test",
            familyName = "Patient",
            dateOfBirth,
            sex = "female",
            painDurationWeeks,
            hasAnxiety = anxiety,
            hasDepression = depression,
            consentToDeidentifiedReporting = true,
        }, ApiTest.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PatientResponse>(ApiTest.Json))!;
    }

    public static async Task<TherapistResponse> CreateTherapistAsync(HttpClient admin, params string[] competencies)
    {
        var response = await admin.PostAsJsonAsync("/therapists", new
        {
            givenName = "Alex",
            familyName = "Therapist",
            registrationNumber = $"PH-{Guid.NewGuid():N}"[..20],
            competencies,
            // The therapist's own user: Client(role, subject) with it acts as this therapist (care-team access).
            userId = Guid.CreateVersion7().ToString(),
        }, ApiTest.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TherapistResponse>(ApiTest.Json))!;
    }

    /// <summary>Monday to Friday, 08:00-18:00 clinic time: the working week most scheduling tests book into.</summary>
    public static async Task SetWeekdayHoursAsync(HttpClient admin, Guid therapistId)
    {
        var current = await admin.GetAsync($"/therapists/{therapistId}/working-hours");
        var weekdays = new[] { "monday", "tuesday", "wednesday", "thursday", "friday" };
        var set = await ApiTest.SendAsync(admin, HttpMethod.Put, $"/therapists/{therapistId}/working-hours",
            new { ranges = weekdays.Select(d => new { weekday = d, startsAt = "08:00", endsAt = "18:00" }) }, current.Headers.ETag!.Tag);
        Assert.True(set.StatusCode == HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
    }
}
