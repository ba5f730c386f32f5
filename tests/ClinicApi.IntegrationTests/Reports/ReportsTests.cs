using System.Net;
using System.Xml.Linq;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Reports;
using ClinicApi.Features.Therapists;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Reports;

public sealed class TrajectoryClinicOnSqlite() : TrajectoryClinic(new SqliteDatabases());

public sealed class TrajectoryClinicOnPostgres(PostgresServer server) : TrajectoryClinic(new PostgresDatabases(server));

public sealed class ReportsOnSqlite(TrajectoryClinicOnSqlite clinic) : ReportsTests(clinic), IClassFixture<TrajectoryClinicOnSqlite>;

public sealed class ReportsOnPostgres(TrajectoryClinicOnPostgres clinic) : ReportsTests(clinic), IClassFixture<TrajectoryClinicOnPostgres>;

/// <summary>
/// One therapist's patients, seeded once and only read: on track in physiotherapy + CBT (5, then 1 at week 6 and 2
/// at week 10), rebounding, behind, baseline only, and in an arm without evidence; a colleague with no patients;
/// and a patient without an episode.
/// </summary>
public abstract class TrajectoryClinic(ITestDatabases databases) : ReportsClinic(databases)
{
    public TherapistResponse Therapist { get; private set; } = null!;

    public TherapistResponse Colleague { get; private set; } = null!;

    public Guid OnTrack { get; private set; }

    public Guid OnTrackEpisode { get; private set; }

    public Guid WithoutEpisode { get; private set; }

    /// <summary>By the name the tests use: rebounding, behind, baseline-only, no-evidence.</summary>
    public Dictionary<string, Guid> Patients { get; } = [];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Therapist = await TherapistAsync();
        Colleague = await TherapistAsync();
        (OnTrack, OnTrackEpisode) = await PatientAsync(ArmCatalogue.PhysiotherapyCbtId, Therapist, [(0, 5), (6, 1), (10, 2)]);
        Patients["rebounding"] = (await PatientAsync(ArmCatalogue.PhysiotherapyId, Therapist, [(0, 6), (6, 2), (10, 4)])).PatientId;
        Patients["behind"] = (await PatientAsync(ArmCatalogue.PhysiotherapyCbtId, Therapist, [(0, 5), (6, 5)])).PatientId;
        Patients["baseline-only"] = (await PatientAsync(ArmCatalogue.PhysiotherapyCbtId, Therapist, [(0, 5)])).PatientId;
        Patients["no-evidence"] = (await PatientAsync(ArmCatalogue.IndividualisedExerciseCbtId, Therapist, [(0, 5), (6, 5)])).PatientId;
        WithoutEpisode = (await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk))).Id;
    }
}

/// <summary>
/// Trajectories and worklists through HTTP on a fixed clock (1 September 2027); every episode starts on Monday
/// 1 March 2027. Expected numbers were computed independently of the API (see comments). The cohort and therapist
/// reports, which read a cohort of their own, are in CohortReportTests.
/// </summary>
public abstract class ReportsTests(TrajectoryClinic clinic)
{
    private HttpClient Therapist => clinic.ClientAs(clinic.Therapist);

    private HttpClient Colleague => clinic.ClientAs(clinic.Colleague);

    private async Task<TrajectoryResponse> TrajectoryAsync(Guid patient, string query = "")
    {
        var response = await Therapist.GetAsync($"/patients/{patient}/trajectory{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReportsClinic.BodyAsync<TrajectoryResponse>(response);
    }

    private Task<TrajectoryResponse> OnTrackAsync() => TrajectoryAsync(clinic.OnTrack, "?instrument=pain-nrs");

    [Fact]
    public async Task A_trajectory_is_of_the_patients_episode_from_its_baseline()
    {
        var t = await OnTrackAsync();

        Assert.Equal((clinic.OnTrackEpisode, "physio-cbt", 5.0, 6.0), (t.EpisodeId, t.ArmCode, t.Baseline, t.EndOfTreatmentWeek));
    }

    [Fact]
    public async Task A_trajectory_compares_each_point_with_the_scaled_published_reference()
    {
        var t = await OnTrackAsync();

        Assert.Equal(ReferenceCurve.Published, t.Reference.Method);
        Assert.Equal(["bemani2023-cbt-pain-trajectory"], t.Reference.EvidenceIds);
        // Week 6: 1.86 x 5 / 5.03 = 1.85, band +/- 0.5 x 1.65 x 5 / 5.03 = 0.82; the score 1 is below it.
        var week6 = t.Observed[1];
        Assert.Equal((6.0, 1.0, 1.85, 1.03, 2.67, -0.85, Classification.Ahead), (week6.Week, week6.Score, week6.Expected, week6.Lower, week6.Upper, week6.Difference, week6.Status));
        Assert.Equal(["bemani2023-cbt-pain-trajectory"], week6.EvidenceIds);
        // Week 10: 1.74 x 5 / 5.03 = 1.73 +/- 0.86: the score 2 is within.
        Assert.Equal(Classification.OnTrack, t.Observed[2].Status);
    }

    [Fact]
    public async Task A_trajectory_is_classified_by_its_latest_point()
    {
        Assert.Equal(Classification.OnTrack, (await OnTrackAsync()).Classification);
    }

    [Fact]
    public async Task A_trajectory_reports_the_minimal_important_change_since_baseline()
    {
        var t = await OnTrackAsync();

        Assert.Equal((3.0, 0.6, true, true, "ostelo2008-mic-pain-nrs"),
            (t.MinimalImportantChange!.AbsoluteImprovement, t.MinimalImportantChange.RelativeImprovement, t.MinimalImportantChange.MetPoints,
             t.MinimalImportantChange.MetRelative, t.MinimalImportantChange.EvidenceId));
    }

    [Fact]
    public async Task A_trajectory_carries_the_expected_curve_week_by_week()
    {
        var t = await OnTrackAsync();

        Assert.Equal(23, t.Expected.Count);
        Assert.All(t.Expected, e => Assert.Equal(ReferenceCurve.Published, e.Method));
    }

    [Theory]
    [InlineData("rebounding", Classification.Rebounding)]        // physiotherapy alone: 6, then 2 at week 6 and 4 at week 10
    [InlineData("behind", Classification.Behind)]                // physiotherapy + CBT: 5, then 5 at week 6
    [InlineData("baseline-only", Classification.NotEnoughData)]  // physiotherapy + CBT: 5 at baseline only
    [InlineData("no-evidence", Classification.NotEnoughData)]    // individualised exercise + CBT: 5, then 5 at week 6
    public async Task A_patients_trajectory_is_classified(string patient, string classification)
    {
        Assert.Equal(classification, (await TrajectoryAsync(clinic.Patients[patient])).Classification);
    }

    [Fact]
    public async Task A_rebound_is_as_severe_as_the_rise()
    {
        Assert.Equal(2.0, (await TrajectoryAsync(clinic.Patients["rebounding"])).Severity);
    }

    [Fact]
    public async Task An_arm_without_evidence_has_no_reference_and_no_expected_curve()
    {
        var none = await TrajectoryAsync(clinic.Patients["no-evidence"]);

        Assert.Equal((ReferenceCurve.None, Classification.NotEnoughData), (none.Reference.Method, none.Classification));
        Assert.Empty(none.Expected);
    }

    [Fact]
    public async Task The_worklist_lists_the_off_track_patients_the_worse_first()
    {
        var worklist = await ReportsClinic.BodyAsync<List<OffTrackItem>>(await Therapist.GetAsync($"/worklists/off-track?therapistId={clinic.Therapist.Id}"));

        Assert.Equal([clinic.Patients["behind"], clinic.Patients["rebounding"]], worklist.Select(i => i.PatientId));
        Assert.Equal([Classification.Behind, Classification.Rebounding], worklist.Select(i => i.Classification));
    }

    [Fact]
    public async Task A_therapist_without_off_track_patients_has_an_empty_worklist()
    {
        Assert.Empty(await ReportsClinic.BodyAsync<List<OffTrackItem>>(await Colleague.GetAsync($"/worklists/off-track?therapistId={clinic.Colleague.Id}")));
    }

    [Fact]
    public async Task Another_therapists_worklist_is_forbidden_to_a_therapist()
    {
        // Another therapist's worklist lists patients in someone else's care.
        await ReportsClinic.ProblemAsync(await Colleague.GetAsync($"/worklists/off-track?therapistId={clinic.Therapist.Id}"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_admin_reads_any_therapists_worklist()
    {
        var worklist = await ReportsClinic.BodyAsync<List<OffTrackItem>>(await clinic.GetAsync(Roles.Admin, $"/worklists/off-track?therapistId={clinic.Therapist.Id}"));

        Assert.Equal(2, worklist.Count);
    }

    [Fact]
    public async Task The_trajectory_of_a_patient_outside_the_therapists_care_is_not_found()
    {
        await ReportsClinic.ProblemAsync(await Colleague.GetAsync($"/patients/{clinic.Patients["behind"]}/trajectory"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_worklist_needs_a_therapist_id()
    {
        await ReportsClinic.ValidationProblemAsync(await Therapist.GetAsync("/worklists/off-track"));
    }

    [Fact]
    public async Task The_worklist_of_an_unknown_therapist_is_not_found()
    {
        await ReportsClinic.ProblemAsync(await Therapist.GetAsync($"/worklists/off-track?therapistId={Guid.CreateVersion7()}"), HttpStatusCode.NotFound);
    }

    /// <summary>The rebounding patient's chart (three points).</summary>
    private async Task<XDocument> ChartAsync()
    {
        var response = await Therapist.GetAsync($"/patients/{clinic.Patients["rebounding"]}/trajectory.svg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static string[] Classes(XDocument svg) => svg.Descendants().Select(e => (string?)e.Attribute("class")).OfType<string>().ToArray();

    [Fact]
    public async Task The_trajectory_chart_is_an_svg()
    {
        var svg = await ChartAsync();

        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
    }

    [Fact]
    public async Task The_trajectory_chart_draws_the_band_the_expected_and_observed_lines_and_the_end_of_treatment()
    {
        var classes = Classes(await ChartAsync());

        Assert.Contains("band", classes);
        Assert.Contains("expected", classes);
        Assert.Contains("observed", classes);
        Assert.Contains("end-of-treatment", classes);
    }

    [Fact]
    public async Task The_trajectory_chart_marks_every_observed_point()
    {
        Assert.Equal(3, Classes(await ChartAsync()).Count(c => c == "observed-point"));
    }

    [Fact]
    public async Task The_trajectory_chart_carries_no_identifying_data()
    {
        // Every seeded patient's given name is "Report".
        Assert.DoesNotContain("Report", (await ChartAsync()).ToString());
    }

    [Fact]
    public async Task The_trajectory_of_a_patient_without_an_episode_is_unprocessable()
    {
        await ReportsClinic.ProblemAsync(await clinic.GetAsync(Roles.Admin, $"/patients/{clinic.WithoutEpisode}/trajectory"), HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task The_trajectory_of_an_unknown_patient_is_not_found()
    {
        await ReportsClinic.ProblemAsync(await clinic.GetAsync(Roles.Admin, $"/patients/{Guid.CreateVersion7()}/trajectory"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_trajectory_on_an_unknown_instrument_is_a_validation_problem()
    {
        Assert.Equal(["instrument"], await ReportsClinic.ValidationProblemAsync(
            await clinic.GetAsync(Roles.Admin, $"/patients/{clinic.WithoutEpisode}/trajectory?instrument=vas")));
    }

    [Theory]
    [InlineData(Roles.FrontDesk, "trajectory")]
    [InlineData(Roles.Manager, "trajectory.svg")]
    public async Task Trajectories_are_for_clinicians(string role, string route)
    {
        await ReportsClinic.ProblemAsync(await clinic.GetAsync(role, $"/patients/{clinic.WithoutEpisode}/{route}"), HttpStatusCode.Forbidden);
    }
}
