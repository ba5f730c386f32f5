using System.Net;
using System.Net.Http.Json;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Reliability;

/// <summary>
/// The embedded default under parallel writers: WAL mode, writes serialised by SQLite's write lock with a busy
/// timeout (transactions begin IMMEDIATE), so concurrent writers all succeed; never "database is locked".
/// </summary>
public sealed class SqliteWritersTests() : ApiTest(new SqliteDatabases())
{
    [Fact]
    public async Task Parallel_writers_all_succeed_in_wal_mode()
    {
        var admin = Client(Roles.Admin);
        var patient = await Clinic.RegisterPatientAsync(admin);

        var registrations = Enumerable.Range(0, 80).Select(i => Client(Roles.FrontDesk).PostAsJsonAsync("/patients", new
        {
            medicalRecordNumber = $"MRN-PAR-{i}", givenName = "Parallel", familyName = $"Writer {i}", dateOfBirth = "1980-01-01", sex = "female",
        }, Json));
        var measurements = Enumerable.Range(0, 80).Select(i => Client(Roles.Admin).PostAsJsonAsync($"/patients/{patient.Id}/measurements",
            new { instrument = "pain-nrs", takenAt = DateTime.UtcNow.AddMinutes(-i), score = i % 11 }, Json));
        var responses = await Task.WhenAll(registrations.Concat(measurements));

        foreach (var response in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        await using var db = Db();
        Assert.Equal(81, await db.Patients.CountAsync());
        Assert.Equal(80, await db.Measurements.CountAsync());
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        Assert.DoesNotContain(Factory.Logs, line => line.Contains("database is locked", StringComparison.OrdinalIgnoreCase));
    }
}
