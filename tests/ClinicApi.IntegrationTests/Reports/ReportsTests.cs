using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Episodes;
using ClinicApi.Features.Reports;
using ClinicApi.Features.Therapists;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Reports;

public sealed class ReportsOnSqlite() : ReportsTests(new SqliteDatabases());

public sealed class ReportsOnPostgres(PostgresServer server) : ReportsTests(new PostgresDatabases(server));

/// <summary>
/// Trajectories, worklists and cohort reports through HTTP on a fixed clock (1 September 2027); every episode
/// starts on Monday 1 March 2027. Expected numbers were computed independently of the API (see comments).
/// </summary>
public abstract class ReportsTests(ITestDatabases databases) : ApiTest(databases)
{
    private static readonly DateTime s_start = new(2027, 3, 1, 9, 0, 0, DateTimeKind.Utc);
    private readonly TestClock _clock = new(new DateTimeOffset(2027, 9, 1, 12, 0, 0, TimeSpan.Zero));

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _clock.Install(Factory);
    }

    private Task<TherapistResponse> TherapistAsync() =>
        Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy", "individualised-exercise", "cognitive-behavioural-therapy");

    /// <summary>A patient in an arm with pain NRS scores at the given weeks since 1 March 2027.</summary>
    private async Task<(Guid PatientId, Guid EpisodeId)> PatientAsync(Guid armId, TherapistResponse therapist, (int Week, int Score)[] scores, bool consent = true)
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

    [Fact]
    public async Task A_trajectory_compares_each_point_with_the_scaled_published_reference()
    {
        var therapist = await TherapistAsync();
        var (patient, episode) = await PatientAsync(ArmCatalogue.PhysiotherapyCbtId, therapist, [(0, 5), (6, 1), (10, 2)]);

        var response = await As(therapist).GetAsync($"/patients/{patient}/trajectory?instrument=pain-nrs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var t = await ReadAsync<TrajectoryResponse>(response);

        Assert.Equal((episode, "physio-cbt", 5.0, 6.0), (t.EpisodeId, t.ArmCode, t.Baseline, t.EndOfTreatmentWeek));
        Assert.Equal(ReferenceCurve.Published, t.Reference.Method);
        Assert.Equal(["bemani2023-cbt-pain-trajectory"], t.Reference.EvidenceIds);
        // Week 6: 1.86 x 5 / 5.03 = 1.85, band +/- 0.5 x 1.65 x 5 / 5.03 = 0.82; the score 1 is below it.
        var week6 = t.Observed[1];
        Assert.Equal((6.0, 1.0, 1.85, 1.03, 2.67, -0.85, Classification.Ahead), (week6.Week, week6.Score, week6.Expected, week6.Lower, week6.Upper, week6.Difference, week6.Status));
        Assert.Equal(["bemani2023-cbt-pain-trajectory"], week6.EvidenceIds);
        // Week 10: 1.74 x 5 / 5.03 = 1.73 +/- 0.86: the score 2 is within.
        Assert.Equal(Classification.OnTrack, t.Observed[2].Status);
        Assert.Equal(Classification.OnTrack, t.Classification);
        Assert.Equal((3.0, 0.6, true, true, "ostelo2008-mic-pain-nrs"),
            (t.MinimalImportantChange!.AbsoluteImprovement, t.MinimalImportantChange.RelativeImprovement, t.MinimalImportantChange.MetPoints,
             t.MinimalImportantChange.MetRelative, t.MinimalImportantChange.EvidenceId));
        Assert.Equal(23, t.Expected.Count);
        Assert.All(t.Expected, e => Assert.Equal(ReferenceCurve.Published, e.Method));
    }

    [Fact]
    public async Task Rebounding_after_treatment_and_falling_behind_are_classified()
    {
        var therapist = await TherapistAsync();
        var (rebounding, _) = await PatientAsync(ArmCatalogue.PhysiotherapyId, therapist, [(0, 6), (6, 2), (10, 4)]);
        var (behind, _) = await PatientAsync(ArmCatalogue.PhysiotherapyCbtId, therapist, [(0, 5), (6, 5)]);
        var (baselineOnly, _) = await PatientAsync(ArmCatalogue.PhysiotherapyCbtId, therapist, [(0, 5)]);
        var (noEvidence, _) = await PatientAsync(ArmCatalogue.IndividualisedExerciseCbtId, therapist, [(0, 5), (6, 5)]);
        var client = As(therapist);

        var r = await ReadAsync<TrajectoryResponse>(await client.GetAsync($"/patients/{rebounding}/trajectory"));
        Assert.Equal(Classification.Rebounding, r.Classification);
        Assert.Equal(2.0, r.Severity);
        var b = await ReadAsync<TrajectoryResponse>(await client.GetAsync($"/patients/{behind}/trajectory"));
        Assert.Equal(Classification.Behind, b.Classification);
        Assert.Equal(Classification.NotEnoughData, (await ReadAsync<TrajectoryResponse>(await client.GetAsync($"/patients/{baselineOnly}/trajectory"))).Classification);
        var none = await ReadAsync<TrajectoryResponse>(await client.GetAsync($"/patients/{noEvidence}/trajectory"));
        Assert.Equal((ReferenceCurve.None, Classification.NotEnoughData), (none.Reference.Method, none.Classification));
        Assert.Empty(none.Expected);

        // The worklist: the two off-track patients, the worse first.
        var worklist = await ReadAsync<List<OffTrackItem>>(await client.GetAsync($"/worklists/off-track?therapistId={therapist.Id}"));
        Assert.Equal([behind, rebounding], worklist.Select(i => i.PatientId));
        Assert.Equal([Classification.Behind, Classification.Rebounding], worklist.Select(i => i.Classification));
        var colleague = await TherapistAsync();
        Assert.Empty(await ReadAsync<List<OffTrackItem>>(await As(colleague).GetAsync($"/worklists/off-track?therapistId={colleague.Id}")));
        // Another therapist's worklist lists patients in someone else's care.
        await AssertProblemAsync(await As(colleague).GetAsync($"/worklists/off-track?therapistId={therapist.Id}"), HttpStatusCode.Forbidden);
        Assert.Equal(2, (await ReadAsync<List<OffTrackItem>>(await Client(Roles.Admin).GetAsync($"/worklists/off-track?therapistId={therapist.Id}"))).Count);
        await AssertProblemAsync(await As(colleague).GetAsync($"/patients/{behind}/trajectory"), HttpStatusCode.NotFound);
        await AssertValidationProblemAsync(await client.GetAsync("/worklists/off-track"));
        await AssertProblemAsync(await client.GetAsync($"/worklists/off-track?therapistId={Guid.CreateVersion7()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_trajectory_chart_is_an_svg_without_identifying_data()
    {
        var therapist = await TherapistAsync();
        var (patient, _) = await PatientAsync(ArmCatalogue.PhysiotherapyId, therapist, [(0, 6), (6, 2), (10, 4)]);

        var response = await As(therapist).GetAsync($"/patients/{patient}/trajectory.svg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync());
        XNamespace ns = "http://www.w3.org/2000/svg";
        string[] Classes() => svg.Descendants().Select(e => (string?)e.Attribute("class")).OfType<string>().ToArray();
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.Contains("band", Classes());
        Assert.Contains("expected", Classes());
        Assert.Contains("observed", Classes());
        Assert.Contains("end-of-treatment", Classes());
        Assert.Equal(3, Classes().Count(c => c == "observed-point"));
        Assert.DoesNotContain("Report", svg.ToString());
    }

    [Fact]
    public async Task Trajectory_requests_for_unknown_things_are_4xx()
    {
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var client = Client(Roles.Admin);
        await AssertProblemAsync(await client.GetAsync($"/patients/{patient.Id}/trajectory"), HttpStatusCode.UnprocessableEntity);
        await AssertProblemAsync(await client.GetAsync($"/patients/{Guid.CreateVersion7()}/trajectory"), HttpStatusCode.NotFound);
        Assert.Equal(["instrument"], await AssertValidationProblemAsync(await client.GetAsync($"/patients/{patient.Id}/trajectory?instrument=vas")));
        await AssertProblemAsync(await Client(Roles.FrontDesk).GetAsync($"/patients/{patient.Id}/trajectory"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await Client(Roles.Manager).GetAsync($"/patients/{patient.Id}/trajectory.svg"), HttpStatusCode.Forbidden);
    }

    private static readonly int[] s_physioWeek22 = [3, 4, 4, 5, 3, 4, 2, 5, 4, 4];
    private static readonly int[] s_cbtWeek22 = [1, 2, 2, 1, 3, 2, 1, 2, 0, 2];

    private async Task<TherapistResponse> CohortAsync()
    {
        var therapist = await TherapistAsync();
        foreach (var score in s_physioWeek22)
        {
            await PatientAsync(ArmCatalogue.PhysiotherapyId, therapist, [(0, 5), (22, score)]);
        }

        foreach (var score in s_cbtWeek22)
        {
            await PatientAsync(ArmCatalogue.PhysiotherapyCbtId, therapist, [(0, 5), (22, score)]);
        }

        // No consent to de-identified reporting: left out, and counted.
        await PatientAsync(ArmCatalogue.PhysiotherapyCbtId, therapist, [(0, 9), (22, 9)], consent: false);
        return therapist;
    }

    [Fact]
    public async Task The_cohort_report_sets_each_arm_beside_the_published_effects()
    {
        var therapist = await CohortAsync();
        var response = await Client(Roles.Manager).GetAsync("/reports/cohort?instrument=pain-nrs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await ReadAsync<CohortReportResponse>(response);

        Assert.Equal((20, 1), (report.EpisodesIncluded, report.ExcludedWithoutConsent));
        var physio = report.Arms.Single(a => a.ArmCode == "physio");
        var week22 = physio.Windows.Single(w => w.Timepoint == "week-22");
        // Independently computed: changes -2,-1,-1,0,-2,-1,-3,0,-1,-1: mean -1.2, SD 0.91894, t(9) CI -1.85737 to -0.54263.
        Assert.Equal((10, 10, 5.0, -1.2, 0.919), (week22.Eligible, week22.N, week22.BaselineMean, week22.MeanChange!.Value, week22.ChangeSd));
        Assert.Equal((-1.857, -0.543), (week22.MeanChange.Lower, week22.MeanChange.Upper));
        // Responders (>= 2 points or >= 30%): scores 3, 3 and 2: 3 of 10, Wilson 0.10779 to 0.60322.
        Assert.Equal((3, 0.3, 0.108, 0.603, "ostelo2008-mic-pain-nrs"),
            (week22.Responders, week22.ResponderRate!.Value, week22.ResponderRate.Lower, week22.ResponderRate.Upper, week22.ResponderThresholdEvidenceId));
        Assert.Equal((10, 10, 1.0), Row(physio, "end-of-treatment"));
        // 6 months: the window is still open and nobody was measured yet: not counted as missing.
        Assert.Equal((0, 0, (double?)null), (physio.Windows.Single(w => w.Timepoint == "6-months").Eligible, physio.Windows.Single(w => w.Timepoint == "6-months").Missing,
            physio.Windows.Single(w => w.Timepoint == "6-months").MissingShare));
        Assert.Equal(0.0, physio.SessionAdherence);

        // Between arms at week 22: Hedges' g 2.389 (1.270 to 3.509), mean difference 2.20 (1.371 to 3.029).
        var comparisons = report.Comparisons.Where(c => c.ArmCode == "physio-cbt" && c.Timepoint == "week-22").ToList();
        var d = comparisons.Single(c => c.Published?.EvidenceId == "bemani2023-cbt-pain-d-week22");
        Assert.Equal((2.389, 1.27, 3.509), (d.Clinic!.Value, d.Clinic.Lower, d.Clinic.Upper));
        Assert.Equal((0.89, -0.89, "consistent", 10, 10), (d.Published!.Estimate, d.Published.PublishedEstimate, d.Verdict, d.N, d.ComparatorN));
        var md = comparisons.Single(c => c.Published?.EvidenceId == "bemani2023-cbt-pain-week22");
        Assert.Equal((2.2, 1.371, 3.029, "consistent"), (md.Clinic!.Value, md.Clinic.Lower, md.Clinic.Upper, md.Verdict));
        var postIntervention = report.Comparisons.Single(c => c.ArmCode == "physio-cbt" && c.Timepoint == "end-of-treatment");
        Assert.Equal(("ho2022-cbt-pain-post", "not-enough-data"), (postIntervention.Published!.EvidenceId, postIntervention.Verdict));

        // Filters narrow the population.
        var onlyCbt = await ReadAsync<CohortReportResponse>(await Client(Roles.Manager).GetAsync($"/reports/cohort?armId={ArmCatalogue.PhysiotherapyCbtId}"));
        Assert.Equal(["physio-cbt"], onlyCbt.Arms.Select(a => a.ArmCode));
        Assert.Equal(10, onlyCbt.EpisodesIncluded);
        Assert.Equal("not-enough-data", onlyCbt.Comparisons.First(c => c.Timepoint == "week-22").Verdict);
        var none = await ReadAsync<CohortReportResponse>(await Client(Roles.Manager).GetAsync($"/reports/cohort?therapistId={Guid.CreateVersion7()}"));
        Assert.Equal(0, none.EpisodesIncluded);
        var later = await ReadAsync<CohortReportResponse>(await Client(Roles.Manager).GetAsync("/reports/cohort?from=2027-04-01"));
        Assert.Equal(0, later.EpisodesIncluded);
        _ = therapist;
    }

    private static (int Eligible, int Missing, double? MissingShare) Row(ArmSummary arm, string timepoint)
    {
        var w = arm.Windows.Single(x => x.Timepoint == timepoint);
        return (w.Eligible, w.Missing, w.MissingShare);
    }

    [Fact]
    public async Task The_cohort_report_exports_csv_without_identifiers_and_is_for_managers()
    {
        await CohortAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/reports/cohort");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var response = await Client(Roles.Manager).SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("row_type,arm,timepoint,", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("summary,physio,week-22,10,10,5,-1.2,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("comparison,physio-cbt,week-22,", StringComparison.Ordinal) && l.Contains("bemani2023-cbt-pain-d-week22") && l.EndsWith("consistent", StringComparison.Ordinal));
        var all = string.Join('\n', lines);
        Assert.DoesNotContain("MRN-", all);
        Assert.DoesNotContain("Report", all);

        await AssertProblemAsync(await Client(Roles.Therapist).GetAsync("/reports/cohort"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await Client(Roles.FrontDesk).GetAsync("/reports/cohort"), HttpStatusCode.Forbidden);
        Assert.Equivalent(new[] { "to", "instrument" }, await AssertValidationProblemAsync(
            await Client(Roles.Manager).GetAsync("/reports/cohort?from=2027-05-01&to=2027-04-01&instrument=vas")), strict: true);
    }

    [Fact]
    public async Task The_therapist_report_shows_caseload_responders_and_competency_gaps()
    {
        var therapist = await CohortAsync();
        var exerciseOnly = (await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy")).Id;
        var override_ = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/episodes", new
        {
            patientId = (await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk))).Id,
            armId = ArmCatalogue.PhysiotherapyCbtId,
            primaryTherapistId = exerciseOnly,
            startDate = "2027-03-01",
            referralReason = "GP referral",
            competencyOverrideReason = "Supervised trainee",
        });
        Assert.Equal(HttpStatusCode.Created, override_.StatusCode);

        var report = await ReadAsync<TherapistReportResponse>(await Client(Roles.Manager).GetAsync("/reports/therapists?timepoint=week-22"));

        var main = report.Therapists.Single(t => t.TherapistId == therapist.Id);
        Assert.Equal((20, 20), (main.Episodes, main.ActiveCaseload));
        var cbt = main.Arms.Single(a => a.ArmCode == "physio-cbt");
        Assert.Equal((10, 10, 1.0), (cbt.N, cbt.Responders, cbt.ResponderRate!.Value));
        Assert.Empty(cbt.MissingCompetencies);
        var trainee = report.Therapists.Single(t => t.TherapistId == exerciseOnly);
        Assert.Equal(["cognitive-behavioural-therapy"], trainee.Arms.Single().MissingCompetencies.Select(c => KebabEnum.Name(c)));
        Assert.Equal(1, report.ExcludedWithoutConsent);
        Assert.Equal(["timepoint"], await AssertValidationProblemAsync(await Client(Roles.Manager).GetAsync("/reports/therapists?timepoint=baseline")));
    }
}
