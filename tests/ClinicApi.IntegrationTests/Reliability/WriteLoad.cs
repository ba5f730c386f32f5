using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using ClinicApi.Data;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Reliability;

/// <summary>
/// A bounded write load for the fault tests: workers register patients and import small CSV batches until told
/// to stop, remembering every answer. Each import is sent by its own user, so its rows can be found afterwards
/// (recorded_by) and checked whole or absent.
/// </summary>
public sealed class WriteLoad(Func<(HttpClient Client, Guid Subject)> newClient, string importMrn)
{
    public const int ImportRows = 40;

    public ConcurrentBag<Guid> AcknowledgedPatients { get; } = [];

    public ConcurrentBag<Guid> AcknowledgedImports { get; } = [];

    public ConcurrentBag<Guid> AttemptedImports { get; } = [];

    public ConcurrentBag<(HttpStatusCode Status, TimeSpan Elapsed, string What)> Answers { get; } = [];

    public async Task RunAsync(int workers, CancellationToken stop)
    {
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => WorkerAsync(w, stop)));
    }

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        var (client, _) = newClient();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (i % 5 == 4)
                {
                    var (importer, user) = newClient();
                    AttemptedImports.Add(user);
                    var csv = new StringBuilder("medical_record_number,instrument,taken_at,score,items\n");
                    for (var row = 0; row < ImportRows; row++)
                    {
                        csv.Append(importMrn).Append(",pain-nrs,2026-01-").Append((row % 28) + 1).Append("T09:00:00Z,").Append(row % 11).Append(",\n");
                    }

                    var response = await importer.PostAsync("/measurements/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"), CancellationToken.None);
                    Answers.Add((response.StatusCode, Stopwatch.GetElapsedTime(started), "import"));
                    if (response.IsSuccessStatusCode)
                    {
                        AcknowledgedImports.Add(user);
                    }
                }
                else
                {
                    var response = await client.PostAsJsonAsync("/patients", new
                    {
                        medicalRecordNumber = $"L{worker}-{i}-{Guid.NewGuid():N}"[..30],
                        givenName = "Load",
                        familyName = "Patient",
                        dateOfBirth = "1980-01-01",
                        sex = "female",
                    }, CancellationToken.None);
                    Answers.Add((response.StatusCode, Stopwatch.GetElapsedTime(started), "register"));
                    if (response.IsSuccessStatusCode)
                    {
                        AcknowledgedPatients.Add((await response.Content.ReadFromJsonAsync<ClinicApi.Features.Patients.PatientResponse>(ApiTest.Json, CancellationToken.None))!.Id);
                    }
                }
            }
            catch (HttpRequestException)
            {
                // The API process itself is gone (the crash test): no answer, nothing promised.
                Answers.Add((0, Stopwatch.GetElapsedTime(started), "no answer"));
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    /// <summary>Every acknowledged write is stored; every import is whole or absent.</summary>
    public async Task VerifyAsync(ClinicDbContext db)
    {
        var acknowledged = AcknowledgedPatients.ToList();
        Assert.NotEmpty(acknowledged);
        var stored = (await db.Patients.Select(p => p.Id).ToListAsync()).ToHashSet();
        var lost = acknowledged.Where(id => !stored.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged registrations are missing.");

        var users = AttemptedImports.Select(u => u.ToString()).ToList();
        var rows = await db.Measurements.Where(m => users.Contains(m.RecordedBy)).GroupBy(m => m.RecordedBy)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count);
        Assert.All(rows, r => Assert.Equal(ImportRows, r.Value));
        Assert.All(AcknowledgedImports, user => Assert.True(rows.ContainsKey(user.ToString()), $"Acknowledged import by {user} is missing."));
    }
}
