using System.Net;
using ClinicApi.Features.Demo;
using ClinicApi.Features.Evidence;
using ClinicApi.Features.Measurements;
using ClinicApi.Features.Reports;
using ClinicApi.Features.Scheduling;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicApi.IntegrationTests.Demo;

public sealed class DemoClinicOnSqlite() : DemoClinicTests(new SqliteDatabases());

public sealed class DemoClinicOnPostgres(PostgresServer server) : DemoClinicTests(new PostgresDatabases(server));

public sealed class DemoClinicOnSqlServer(SqlServerServer server) : DemoClinicTests(new SqlServerDatabases(server));

/// <summary>The demo clinic fills every report a newcomer opens: cohort, therapists, worklists, trajectories, adherence, follow-ups.</summary>
public abstract class DemoClinicTests(ITestDatabases databases) : ApiTest(databases)
{
    [Fact]
    public async Task The_demo_clinic_fills_every_report()
    {
        _ = Factory.CreateClient();
        await using (var db = Db())
        {
            var (seeded, sessions, measurements) = await DemoClinic.SeedAsync(db, Factory.Services.GetRequiredService<ClinicClock>(),
                Factory.Services.GetRequiredService<EvidenceCatalogue>(), CancellationToken.None);
            Assert.Equal(72, seeded);
            Assert.True(sessions > 600 && measurements > 300, $"{sessions} sessions, {measurements} measurements");
        }

        var manager = Client(Roles.Manager);
        var cohort = await ReadAsync<CohortReportResponse>(await manager.GetAsync("/reports/cohort"));
        Assert.Equal(6, cohort.Arms.Count);
        Assert.True(cohort.ExcludedWithoutConsent > 0);
        Assert.All(cohort.Arms, a => Assert.Contains(a.Windows, w => w.N > 0));
        Assert.All(cohort.Arms, a => Assert.InRange(a.SessionAdherence ?? 0, 0.3, 1));
        Assert.Contains(cohort.Comparisons, c => c.Published is not null);
        var therapists = await ReadAsync<TherapistReportResponse>(await manager.GetAsync("/reports/therapists"));
        Assert.True(therapists.Therapists.Count(t => t.Episodes > 0) >= 4);

        // A demo therapist signs in with the documented subject and finds patients off track and follow-ups due.
        var demoTherapist = Client(Roles.Therapist, DemoClinic.TherapistUsers[0]);
        var patients = await ReadAsync<Page<ClinicApi.Features.Patients.PatientResponse>>(await demoTherapist.GetAsync("/patients?limit=100"));
        Assert.NotEmpty(patients.Items);
        var admin = Client(Roles.Admin);
        var offTrack = new List<OffTrackItem>();
        foreach (var therapist in therapists.Therapists.Where(t => t.Episodes > 0))
        {
            offTrack.AddRange(await ReadAsync<List<OffTrackItem>>(await admin.GetAsync($"/worklists/off-track?therapistId={therapist.TherapistId}")));
        }

        Assert.Contains(offTrack, i => i.Classification == Classification.Rebounding);
        Assert.Contains(offTrack, i => i.Classification == Classification.Behind);
        var trajectory = await admin.GetAsync($"/patients/{offTrack[0].PatientId}/trajectory");
        Assert.Equal(HttpStatusCode.OK, trajectory.StatusCode);
        Assert.NotEmpty((await ReadAsync<TrajectoryResponse>(trajectory)).Expected);
        Assert.NotEmpty((await ReadAsync<Page<FollowUpEpisode>>(await admin.GetAsync("/follow-ups"))).Items);
        var adherence = await ReadAsync<Adherence>(await admin.GetAsync($"/episodes/{offTrack[0].EpisodeId}/adherence"));
        Assert.True(adherence.Attended > 0);
    }
}
