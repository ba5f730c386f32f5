using System.Net;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Reports;
using ClinicApi.Features.Therapists;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;

namespace ClinicApi.IntegrationTests.Reports;

public sealed class CohortClinicOnSqlite() : CohortClinic(new SqliteDatabases(), withTrainee: false);

public sealed class CohortClinicOnPostgres(PostgresServer server) : CohortClinic(new PostgresDatabases(server), withTrainee: false);

public sealed class CohortClinicWithTraineeOnSqlite() : CohortClinic(new SqliteDatabases(), withTrainee: true);

public sealed class CohortClinicWithTraineeOnPostgres(PostgresServer server) : CohortClinic(new PostgresDatabases(server), withTrainee: true);

public sealed class CohortReportOnSqlite(CohortClinicOnSqlite clinic) : CohortReportTests(clinic), IClassFixture<CohortClinicOnSqlite>;

public sealed class CohortReportOnPostgres(CohortClinicOnPostgres clinic) : CohortReportTests(clinic), IClassFixture<CohortClinicOnPostgres>;

public sealed class TherapistReportOnSqlite(CohortClinicWithTraineeOnSqlite clinic) : TherapistReportTests(clinic), IClassFixture<CohortClinicWithTraineeOnSqlite>;

public sealed class TherapistReportOnPostgres(CohortClinicWithTraineeOnPostgres clinic) : TherapistReportTests(clinic), IClassFixture<CohortClinicWithTraineeOnPostgres>;

/// <summary>
/// One clinic seeded once per test class and only read by its tests (every test here is a GET): ten physiotherapy
/// and ten physiotherapy + CBT patients at baseline 5 with a week-22 score, and one CBT patient without consent.
/// With the trainee: an exercise-only therapist enrolled in the CBT arm by an admin override, no measurements.
/// </summary>
public abstract class CohortClinic(ITestDatabases databases, bool withTrainee) : ReportsClinic(databases)
{
    private static readonly int[] s_physioWeek22 = [3, 4, 4, 5, 3, 4, 2, 5, 4, 4];
    private static readonly int[] s_cbtWeek22 = [1, 2, 2, 1, 3, 2, 1, 2, 0, 2];

    public TherapistResponse Therapist { get; private set; } = null!;

    public Guid Trainee { get; private set; }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Therapist = await TherapistAsync();
        foreach (var score in s_physioWeek22)
        {
            await PatientAsync(ArmCatalogue.PhysiotherapyId, Therapist, [(0, 5), (22, score)]);
        }

        foreach (var score in s_cbtWeek22)
        {
            await PatientAsync(ArmCatalogue.PhysiotherapyCbtId, Therapist, [(0, 5), (22, score)]);
        }

        // No consent to de-identified reporting: left out, and counted.
        await PatientAsync(ArmCatalogue.PhysiotherapyCbtId, Therapist, [(0, 9), (22, 9)], consent: false);
        if (withTrainee)
        {
            Trainee = (await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy")).Id;
            var override_ = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/episodes", new
            {
                patientId = (await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk))).Id,
                armId = ArmCatalogue.PhysiotherapyCbtId,
                primaryTherapistId = Trainee,
                startDate = "2027-03-01",
                referralReason = "GP referral",
                competencyOverrideReason = "Supervised trainee",
            });
            Assert.Equal(HttpStatusCode.Created, override_.StatusCode);
        }
    }
}

/// <summary>
/// The cohort report over <see cref="CohortClinic"/>'s patients. Expected numbers were computed independently of the
/// API (see comments).
/// </summary>
public abstract class CohortReportTests(CohortClinic clinic)
{
    private async Task<CohortReportResponse> ReportAsync(string query = "?instrument=pain-nrs")
    {
        var response = await clinic.GetAsync(Roles.Manager, $"/reports/cohort{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReportsClinic.BodyAsync<CohortReportResponse>(response);
    }

    private static ArmWindowSummary PhysioWeek22(CohortReportResponse report) =>
        report.Arms.Single(a => a.ArmCode == "physio").Windows.Single(w => w.Timepoint == "week-22");

    private static (int Eligible, int Missing, double? MissingShare) Row(ArmSummary arm, string timepoint)
    {
        var w = arm.Windows.Single(x => x.Timepoint == timepoint);
        return (w.Eligible, w.Missing, w.MissingShare);
    }

    [Fact]
    public async Task The_cohort_report_includes_only_patients_who_consented_and_counts_the_others()
    {
        var report = await ReportAsync();

        Assert.Equal((20, 1), (report.EpisodesIncluded, report.ExcludedWithoutConsent));
    }

    [Fact]
    public async Task The_cohort_report_gives_each_arms_change_from_baseline_with_its_ci()
    {
        var week22 = PhysioWeek22(await ReportAsync());

        // Independently computed: changes -2,-1,-1,0,-2,-1,-3,0,-1,-1: mean -1.2, SD 0.91894, t(9) CI -1.85737 to -0.54263.
        Assert.Equal((10, 10, 5.0, -1.2, 0.919), (week22.Eligible, week22.N, week22.BaselineMean, week22.MeanChange!.Value, week22.ChangeSd));
        Assert.Equal((-1.857, -0.543), (week22.MeanChange.Lower, week22.MeanChange.Upper));
    }

    [Fact]
    public async Task The_cohort_report_counts_responders_with_a_wilson_interval()
    {
        var week22 = PhysioWeek22(await ReportAsync());

        // Responders (>= 2 points or >= 30%): scores 3, 3 and 2: 3 of 10, Wilson 0.10779 to 0.60322.
        Assert.Equal((3, 0.3, 0.108, 0.603, "ostelo2008-mic-pain-nrs"),
            (week22.Responders, week22.ResponderRate!.Value, week22.ResponderRate.Lower, week22.ResponderRate.Upper, week22.ResponderThresholdEvidenceId));
    }

    [Fact]
    public async Task The_cohort_report_counts_a_follow_up_as_missing_only_once_its_window_has_closed()
    {
        var physio = (await ReportAsync()).Arms.Single(a => a.ArmCode == "physio");

        Assert.Equal((10, 10, 1.0), Row(physio, "end-of-treatment"));
        // 6 months: the window is still open and nobody was measured yet: not counted as missing.
        Assert.Equal((0, 0, (double?)null), Row(physio, "6-months"));
    }

    [Fact]
    public async Task The_cohort_report_gives_each_arms_session_adherence()
    {
        Assert.Equal(0.0, (await ReportAsync()).Arms.Single(a => a.ArmCode == "physio").SessionAdherence);
    }

    [Fact]
    public async Task The_cohort_report_sets_each_arm_beside_the_published_effects()
    {
        var report = await ReportAsync();

        // Between arms at week 22: Hedges' g 2.389 (1.270 to 3.509), mean difference 2.20 (1.371 to 3.029).
        var comparisons = report.Comparisons.Where(c => c.ArmCode == "physio-cbt" && c.Timepoint == "week-22").ToList();
        var d = comparisons.Single(c => c.Published?.EvidenceId == "bemani2023-cbt-pain-d-week22");
        Assert.Equal((2.389, 1.27, 3.509), (d.Clinic!.Value, d.Clinic.Lower, d.Clinic.Upper));
        // Against Bemani's d 0.89 (0.39 to 1.38), by hand: SEs 0.571 and 0.253, difference 1.499 with 95% CI 0.275 to
        // 2.723, wholly above zero: "above" (the CIs overlap, which the old rule called consistent).
        Assert.Equal((0.89, -0.89, "above", 10, 10), (d.Published!.Estimate, d.Published.PublishedEstimate, d.Verdict, d.N, d.ComparatorN));
        Assert.Equal(("cohens-d", "hedges-g", false), (d.Measure, d.ClinicMeasure, d.InsufficientData));
        Assert.Equal((1.499, 0.275, 2.723), (d.Difference!.Value, d.Difference.Lower, d.Difference.Upper));
        var md = comparisons.Single(c => c.Published?.EvidenceId == "bemani2023-cbt-pain-week22");
        Assert.Equal((2.2, 1.371, 3.029, "consistent"), (md.Clinic!.Value, md.Clinic.Lower, md.Clinic.Upper, md.Verdict));
    }

    [Fact]
    public async Task The_cohort_report_withholds_the_verdict_where_the_arms_were_not_measured()
    {
        var report = await ReportAsync();

        var postIntervention = report.Comparisons.Single(c => c.ArmCode == "physio-cbt" && c.Timepoint == "end-of-treatment");
        Assert.Equal(("ho2022-cbt-pain-post", "not-enough-data"), (postIntervention.Published!.EvidenceId, postIntervention.Verdict));
    }

    [Fact]
    public async Task The_cohort_reports_arm_filter_leaves_the_other_arms_and_the_comparator_out()
    {
        var onlyCbt = await ReportAsync($"?armId={ArmCatalogue.PhysiotherapyCbtId}");

        Assert.Equal(["physio-cbt"], onlyCbt.Arms.Select(a => a.ArmCode));
        Assert.Equal(10, onlyCbt.EpisodesIncluded);
        Assert.Equal("not-enough-data", onlyCbt.Comparisons.First(c => c.Timepoint == "week-22").Verdict);
    }

    [Theory]
    [InlineData("therapistId")]   // a therapist with no episodes
    [InlineData("from")]          // the episodes started on 1 March, before the 1 April filter
    public async Task The_cohort_reports_therapist_and_date_filters_narrow_the_population(string filter)
    {
        var query = filter == "therapistId" ? $"?therapistId={Guid.CreateVersion7()}" : "?from=2027-04-01";

        Assert.Equal(0, (await ReportAsync(query)).EpisodesIncluded);
    }

    private async Task<string[]> CsvAsync()
    {
        var response = await clinic.GetAsync(Roles.Manager, "/reports/cohort", accept: "text/csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>One CSV line into its fields (RFC 4180: quoted fields, doubled quotes).</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted && ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (ch == '"')
            {
                quoted = !quoted;
            }
            else if (ch == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch != '\r')
            {
                field.Append(ch);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    /// <summary>The CSV carries what the JSON has: labels, difference, the published figure as reported with its citation, and the report's facts.</summary>
    [Fact]
    public async Task The_csv_carries_every_figure_of_the_json_report()
    {
        var report = await ReportAsync();
        var lines = await CsvAsync();
        var header = Fields(lines[0]);
        var rows = lines.Skip(1).Select(Fields).Select(f => header.Zip(f).ToDictionary(p => p.First, p => p.Second)).ToList();
        Assert.All(rows, r => Assert.Equal(header.Count, r.Count));

        var d = report.Comparisons.Single(c => c.Timepoint == "week-22" && c.Published?.EvidenceId == "bemani2023-cbt-pain-d-week22");
        var row = rows.Single(r => r["row_type"] == "comparison" && r["timepoint"] == "week-22" && r["evidence_id"] == "bemani2023-cbt-pain-d-week22");
        Assert.Equal(("cohens-d", "hedges-g", "-0.89", "0.89"), (row["measure"], row["clinic_measure"], row["published_as_reported"], row["published_estimate"]));
        Assert.Equal(d.Published!.Citation, row["citation"]);
        Assert.Equal(d.Published.Certainty, row["certainty"]);
        Assert.Equal(d.Difference!.Lower.ToString(System.Globalization.CultureInfo.InvariantCulture), row["difference_lower"]);

        var week22 = report.Arms.Single(a => a.ArmCode == "physio").Windows.Single(w => w.Timepoint == "week-22");
        var summary = rows.Single(r => r["row_type"] == "summary" && r["arm"] == "physio" && r["timepoint"] == "week-22");
        Assert.Equal((N(week22.BaselineSd), N(week22.FollowUpMean), N(week22.FollowUpSd), week22.Missing.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (summary["baseline_sd"], summary["follow_up_mean"], summary["follow_up_sd"], summary["missing"]));

        var meta = rows.Where(r => r["row_type"] == "meta").ToDictionary(r => r["meta_key"], r => r["meta_value"]);
        Assert.Equal(report.ExcludedWithoutConsent.ToString(System.Globalization.CultureInfo.InvariantCulture), meta["excluded_without_consent"]);
        Assert.Equal(report.SignConvention, meta["sign_convention"]);
        Assert.Equal(report.CatalogueVersion, meta["catalogue_version"]);
    }

    private static string N(double? value) => value?.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;

    [Fact]
    public async Task The_cohort_report_exports_csv_summary_and_comparison_rows()
    {
        var lines = await CsvAsync();

        Assert.StartsWith("row_type,arm,timepoint,", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("summary,physio,week-22,10,10,5,-1.2,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("comparison,physio-cbt,week-22,", StringComparison.Ordinal) && l.Contains("bemani2023-cbt-pain-d-week22") && l.Contains(",above,hedges-g,1.499,0.275,2.723,false", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_cohort_csv_carries_no_identifiers()
    {
        var all = string.Join('\n', await CsvAsync());

        Assert.DoesNotContain("MRN-", all);
        Assert.DoesNotContain("Report", all);
    }

    [Theory]
    [InlineData(Roles.Therapist)]
    [InlineData(Roles.FrontDesk)]
    public async Task The_cohort_report_is_for_managers(string role)
    {
        await ReportsClinic.ProblemAsync(await clinic.GetAsync(role, "/reports/cohort"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_cohort_report_validates_its_dates_and_instrument()
    {
        Assert.Equivalent(new[] { "to", "instrument" }, await ReportsClinic.ValidationProblemAsync(
            await clinic.GetAsync(Roles.Manager, "/reports/cohort?from=2027-05-01&to=2027-04-01&instrument=vas")), strict: true);
    }
}

/// <summary>The therapist report over <see cref="CohortClinic"/>'s patients and the trainee's override episode, at week 22.</summary>
public abstract class TherapistReportTests(CohortClinic clinic)
{
    private async Task<TherapistReportResponse> ReportAsync() =>
        await ReportsClinic.BodyAsync<TherapistReportResponse>(await clinic.GetAsync(Roles.Manager, "/reports/therapists?timepoint=week-22"));

    [Fact]
    public async Task The_therapist_report_shows_caseload()
    {
        var main = (await ReportAsync()).Therapists.Single(t => t.TherapistId == clinic.Therapist.Id);

        Assert.Equal((20, 20), (main.Episodes, main.ActiveCaseload));
    }

    [Fact]
    public async Task The_therapist_report_shows_responders_per_arm_at_the_chosen_timepoint()
    {
        var cbt = (await ReportAsync()).Therapists.Single(t => t.TherapistId == clinic.Therapist.Id).Arms.Single(a => a.ArmCode == "physio-cbt");

        Assert.Equal((10, 10, 1.0), (cbt.N, cbt.Responders, cbt.ResponderRate!.Value));
    }

    [Fact]
    public async Task The_therapist_report_shows_competencies_an_arm_needs_that_the_therapist_lacks()
    {
        var report = await ReportAsync();

        Assert.Empty(report.Therapists.Single(t => t.TherapistId == clinic.Therapist.Id).Arms.Single(a => a.ArmCode == "physio-cbt").MissingCompetencies);
        Assert.Equal(["cognitive-behavioural-therapy"], report.Therapists.Single(t => t.TherapistId == clinic.Trainee).Arms.Single().MissingCompetencies.Select(c => KebabEnum.Name(c)));
    }

    [Fact]
    public async Task The_therapist_report_counts_episodes_left_out_without_consent()
    {
        Assert.Equal(1, (await ReportAsync()).ExcludedWithoutConsent);
    }

    [Fact]
    public async Task The_therapist_reports_timepoint_is_a_follow_up_timepoint()
    {
        Assert.Equal(["timepoint"], await ReportsClinic.ValidationProblemAsync(await clinic.GetAsync(Roles.Manager, "/reports/therapists?timepoint=baseline")));
    }
}
