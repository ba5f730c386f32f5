using System.Globalization;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Evidence;
using ClinicApi.Features.Measurements;
using ClinicApi.Features.Reports;
using ClinicApi.Outcomes;
using Microsoft.Extensions.Options;

namespace ClinicApi.Tests;

/// <summary>
/// The cohort engine on hand-made episodes (no database): placement into timepoint windows, per-arm summaries and
/// the between-arm comparison. Every episode starts on Monday 1 March 2027 with a six-week protocol of 12 sessions;
/// scores are given in days since that start. Expected numbers are worked out by hand in the comments.
/// Consent is not the engine's concern: the rows it receives were already filtered by CohortData (the integration
/// tests check who is left out and that they are counted).
/// </summary>
public sealed class CohortEngineTests
{
    private static readonly EvidenceCatalogue s_catalogue = EvidenceCatalogue.LoadEmbedded();
    private static readonly OutcomeSettings s_settings = Settings(new OutcomesOptions());
    private static readonly Instrument s_nrs = Instruments.Find(Instruments.PainNrs)!;
    private static readonly DateOnly s_start = new(2027, 3, 1);
    private static readonly DateOnly s_longAfter = new(2029, 1, 1);

    // Week-22 scores of a comparison fixture, all from a baseline of 5. Physiotherapy alone: mean 4.3, sum of
    // squared deviations 8.1, variance 0.9. The other arm: mean 2.3, also variance 0.9 (the same values shifted by 2).
    private static readonly double[] s_physio = [4, 5, 3, 4, 6, 5, 4, 3, 5, 4];
    private static readonly double[] s_better = [2, 3, 1, 2, 3, 2, 4, 2, 1, 3];

    private static OutcomeSettings Settings(OutcomesOptions options) => new(Options.Create(options), s_catalogue);

    private static DateTime At(int day, int hour = 9) => s_start.ToDateTime(new TimeOnly(hour, 0), DateTimeKind.Utc).AddDays(day);

    private static CohortEpisode Episode(string armCode, params (int Day, double Score)[] scores) =>
        Episode(armCode, 0, 12, scores.Select(s => (At(s.Day), s.Score)).ToArray());

    private static CohortEpisode Episode(string armCode, int attended, int plannedSessions, (DateTime TakenAt, double Score)[] scores, int protocolWeeks = 6)
    {
        var arm = ArmCatalogue.Entries.Single(e => e.Code == armCode);
        return new CohortEpisode(Guid.CreateVersion7(), arm.Id, arm.Code, arm.EvidenceIds, protocolWeeks, plannedSessions, Guid.Empty, s_start, attended, scores);
    }

    private static List<CohortEngine.Scored> Place(params CohortEpisode[] episodes) => Place(s_settings, episodes);

    private static List<CohortEngine.Scored> Place(OutcomeSettings settings, params CohortEpisode[] episodes) =>
        CohortEngine.Place(episodes, settings, DateOnly.FromDateTime);

    private static ArmWindowSummary Window(IReadOnlyList<CohortEngine.Scored> scored, string timepoint, DateOnly today, OutcomeSettings? settings = null, Instrument? instrument = null) =>
        CohortEngine.Summarise(ArmCatalogue.PhysiotherapyId, "physio", scored, instrument ?? s_nrs, settings ?? s_settings, today)
            .Windows.Single(w => w.Timepoint == timepoint);

    private static string[] TimepointsHolding(CohortEngine.Scored scored) =>
        s_settings.Timepoints.Where(w => scored.ByTimepoint.ContainsKey(w.Code)).Select(w => w.Code).ToArray();

    /// <summary>Both arms at one timepoint day: baseline 5 at day 0, then the given follow-up scores.</summary>
    private static List<CohortEngine.Scored> TwoArms(string armCode, int day, IEnumerable<double> armScores, IEnumerable<double> physioScores) =>
        Place([.. physioScores.Select(s => Episode("physio", (0, 5), (day, s))), .. armScores.Select(s => Episode(armCode, (0, 5), (day, s)))]);

    // ---- Placement into timepoint windows (default windows, six-week protocol) ----

    [Theory]
    [InlineData(-15, null)]                  // week -2.1: before the baseline window (-2 to +1)
    [InlineData(-14, "baseline")]            // week -2.0: the window's first day counts
    [InlineData(7, "baseline")]              // week 1.0: its last day counts
    [InlineData(8, null)]                    // week 1.1: between baseline and end of treatment (5 to 8)
    [InlineData(35, "end-of-treatment")]     // week 5.0
    [InlineData(56, "end-of-treatment")]     // week 8.0
    [InlineData(60, "week-10")]              // week 8.6 (60 / 7 = 8.57); week-10 is 8.5 to 12
    [InlineData(84, "week-10")]              // week 12.0
    [InlineData(85, null)]                   // week 12.1; week-22 starts at 19
    [InlineData(133, "week-22")]             // week 19.0
    [InlineData(169, "6-months")]            // week 24.1; 6-months is 24 to 30
    [InlineData(364, "12-months")]           // week 52.0
    public void A_score_is_placed_in_the_window_that_holds_its_week(int day, string? timepoint)
    {
        var scored = Place(Episode("physio", (day, 4))).Single();

        Assert.Equal(timepoint is null ? [] : new[] { timepoint }, TimepointsHolding(scored));
    }

    [Fact]
    public void Where_two_windows_overlap_the_first_configured_one_takes_the_score()
    {
        // Week 24.0 is the last day of week-22 (19 to 24) and the first of 6-months (24 to 30).
        var scored = Place(Episode("physio", (168, 4))).Single();

        Assert.Equal(["week-22"], TimepointsHolding(scored));
    }

    [Theory]
    [InlineData(6, "week-10")]           // end of treatment at 6: window 5 to 8; week 10 is in week-10's window
    [InlineData(8, "end-of-treatment")]  // end of treatment at 8: window 7 to 10 holds week 10 and comes first
    public void The_end_of_treatment_window_follows_the_arms_protocol_length(int protocolWeeks, string timepoint)
    {
        var scored = Place(Episode("physio", 0, 12, [(At(70), 4)], protocolWeeks)).Single();

        Assert.Equal([timepoint], TimepointsHolding(scored));
    }

    [Fact]
    public void The_score_nearest_the_timepoints_target_week_is_used()
    {
        // Baseline candidates at weeks -1.4, -0.1 and 0.7: -0.1 is nearest week 0.
        // Week-22 candidates at weeks 20 and 23: 23 is nearer week 22.
        var scored = Place(Episode("physio", (-10, 6), (-1, 5), (5, 4), (140, 3), (161, 2))).Single();

        Assert.Equal((5.0, 2.0), (scored.Baseline, scored.ByTimepoint["week-22"]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Of_two_scores_equally_near_the_target_the_earlier_is_used_whatever_order_the_rows_arrive_in(bool earlierFirst)
    {
        // Two baseline scores on the same day (same week, same distance from week 0): 7 at 08:00, 5 at 17:00. The
        // trajectory engine takes the earlier; the report must not depend on the order the database returns rows in.
        (DateTime, double)[] scores = earlierFirst ? [(At(0, 8), 7), (At(0, 17), 5)] : [(At(0, 17), 5), (At(0, 8), 7)];

        var scored = Place(Episode("physio", 0, 12, scores)).Single();

        Assert.Equal(7.0, scored.Baseline);
    }

    [Theory]
    [InlineData(0, "baseline")]   // 2027-03-08 23:00 is day 7 (week 1.0): the baseline window's last day
    [InlineData(2, null)]         // two hours ahead it is already 9 March, day 8 (week 1.1): outside every window
    public void Placement_uses_the_clinics_local_date_of_each_score(int hoursAhead, string? timepoint)
    {
        var episode = Episode("physio", 0, 12, [(At(7, 23), 4)]);

        var scored = CohortEngine.Place([episode], s_settings, t => DateOnly.FromDateTime(t.AddHours(hoursAhead))).Single();

        Assert.Equal(timepoint is null ? [] : new[] { timepoint }, TimepointsHolding(scored));
    }

    [Fact]
    public void An_episode_without_scores_has_no_baseline_and_no_timepoint()
    {
        var scored = Place(Episode("physio")).Single();

        Assert.Null(scored.Baseline);
        Assert.Empty(TimepointsHolding(scored));
    }

    [Fact]
    public void Placing_an_empty_cohort_gives_nothing() => Assert.Empty(Place());

    // ---- Per-arm summary at one timepoint ----

    [Fact]
    public void Mean_change_is_follow_up_minus_baseline_with_a_t_based_ci()
    {
        // Changes -3, -2, -1, -4: mean -2.5; squared deviations 0.25 + 0.25 + 2.25 + 2.25 = 5, SD sqrt(5 / 3) = 1.29099;
        // half width t(0.975, 3) 3.18245 x 1.29099 / sqrt(4) = 2.05426: -4.554 to -0.446.
        var scored = Place(Episode("physio", (0, 6), (154, 3)), Episode("physio", (0, 6), (154, 4)),
            Episode("physio", (0, 6), (154, 5)), Episode("physio", (0, 6), (154, 2)));

        var week22 = Window(scored, "week-22", s_longAfter);

        Assert.Equal((4, 6.0, -2.5, -4.554, -0.446, 1.291),
            (week22.N, week22.BaselineMean, week22.MeanChange!.Value, week22.MeanChange.Lower, week22.MeanChange.Upper, week22.ChangeSd));
    }

    [Theory]
    [InlineData(6, 4, true)]      // 2 points: the NRS threshold in points is met (at least, not more than)
    [InlineData(10, 8, true)]     // 2 points, only 20%: points alone suffice
    [InlineData(5, 3.5, true)]    // 1.5 points but 1.5 / 5 = 30%: relative alone suffices
    [InlineData(6, 4.5, false)]   // 1.5 points, 25%
    [InlineData(4, 5, false)]     // worse
    [InlineData(0, 0, false)]     // no pain to improve on: no relative change is defined
    public void A_responder_improves_by_the_minimal_important_change_in_points_or_relative_to_baseline(double baseline, double followUp, bool responder)
    {
        var scored = Place(Episode("physio", (0, baseline), (154, followUp)));

        Assert.Equal(responder ? 1 : 0, Window(scored, "week-22", s_longAfter).Responders);
    }

    [Fact]
    public void The_responder_rate_has_a_wilson_interval_and_names_its_threshold()
    {
        // Improvements 3, 2, 1 and 4 from baseline 6: three responders of four. Wilson with z = 1.95996:
        // centre (0.75 + z^2 / 8) / (1 + z^2 / 4) = 1.23018 / 1.96036 = 0.62753,
        // half z sqrt(0.75 x 0.25 / 4 + z^2 / 64) / 1.96036 = 0.32689: 0.301 to 0.954.
        var scored = Place(Episode("physio", (0, 6), (154, 3)), Episode("physio", (0, 6), (154, 4)),
            Episode("physio", (0, 6), (154, 5)), Episode("physio", (0, 6), (154, 2)));

        var week22 = Window(scored, "week-22", s_longAfter);

        Assert.Equal((3, 0.75, 0.301, 0.954, "ostelo2008-mic-pain-nrs"),
            (week22.Responders, week22.ResponderRate!.Value, week22.ResponderRate.Lower, week22.ResponderRate.Upper, week22.ResponderThresholdEvidenceId));
    }

    [Fact]
    public void A_configured_threshold_replaces_the_catalogues_and_cites_no_evidence_entry()
    {
        var settings = Settings(new OutcomesOptions
        {
            MinimalImportantChange = { [Instruments.PainNrs] = new MinimalImportantChange { Points = 3, Relative = 0.5, Source = "Clinic protocol" } },
        });
        // 6 -> 4: 2 points and 33%, a responder under Ostelo but not under 3 points or 50%.
        var scored = Place(settings, Episode("physio", (0, 6), (154, 4)));

        var week22 = Window(scored, "week-22", s_longAfter, settings);

        Assert.Equal((0, (string?)null), (week22.Responders, week22.ResponderThresholdEvidenceId));
    }

    [Fact]
    public void An_instrument_without_a_threshold_has_no_responders_and_no_rate()
    {
        var pcs = Instruments.Find(Instruments.Pcs)!;
        var scored = Place(Episode("physio", (0, 40), (154, 10)));

        var week22 = Window(scored, "week-22", s_longAfter, instrument: pcs);

        Assert.Equal((0, (Estimate?)null, (string?)null), (week22.Responders, week22.ResponderRate, week22.ResponderThresholdEvidenceId));
    }

    [Theory]
    [InlineData(40.3, 30.3)]   // 10 points (Ostelo: at least 10), 24.8%; in binary 40.3 - 30.3 = 9.999999999999996
    [InlineData(33, 23.1)]     // 9.9 points, exactly 30%; in binary (33 - 23.1) / 33 = 0.29999999999999993
    public void An_odi_improvement_of_exactly_the_threshold_in_decimal_scores_is_a_responder(double baseline, double followUp)
    {
        var odi = Instruments.Find(Instruments.Odi)!;
        var scored = Place(Episode("physio", (0, baseline), (154, followUp)));

        Assert.Equal(1, Window(scored, "week-22", s_longAfter, instrument: odi).Responders);
    }

    [Theory]
    [InlineData("2027-08-16", 0, 0)]   // week-22 closes at start + (22 + 2) x 7 = 168 days, 16 August: still open, not missing
    [InlineData("2027-08-17", 1, 1)]   // the day after it closed: eligible and missing
    public void An_unmeasured_episode_is_missing_only_once_the_window_has_closed(string today, int eligible, int missing)
    {
        var scored = Place(Episode("physio", (0, 5)));

        var week22 = Window(scored, "week-22", DateOnly.Parse(today, CultureInfo.InvariantCulture));

        Assert.Equal((eligible, missing), (week22.Eligible, week22.Missing));
    }

    [Fact]
    public void A_measured_episode_is_eligible_while_its_window_is_still_open()
    {
        // Measured at week 20 (day 140); today is day 150, before the window closes on day 168.
        var scored = Place(Episode("physio", (0, 5), (140, 3)));

        var week22 = Window(scored, "week-22", s_start.AddDays(150));

        Assert.Equal((1, 1, 0), (week22.Eligible, week22.N, week22.Missing));
    }

    [Fact]
    public void The_missing_share_is_missing_follow_ups_over_eligible_episodes()
    {
        // Four eligible, one without a week-22 score: 1 / 4.
        var scored = Place(Episode("physio", (0, 5), (154, 3)), Episode("physio", (0, 5), (154, 4)),
            Episode("physio", (0, 5), (154, 2)), Episode("physio", (0, 5)));

        var week22 = Window(scored, "week-22", s_longAfter);

        Assert.Equal((4, 3, 1, 0.25), (week22.Eligible, week22.N, week22.Missing, week22.MissingShare));
    }

    [Fact]
    public void A_follow_up_without_a_baseline_is_eligible_but_has_no_change()
    {
        var scored = Place(Episode("physio", (154, 3)));

        var week22 = Window(scored, "week-22", s_longAfter);

        Assert.Equal((1, 0, 0, (double?)null), (week22.Eligible, week22.N, week22.Missing, week22.BaselineMean));
    }

    [Fact]
    public void One_change_has_a_mean_but_no_ci_and_no_sd()
    {
        var scored = Place(Episode("physio", (0, 6), (154, 3)));

        var week22 = Window(scored, "week-22", s_longAfter);

        Assert.Equal((1, (Estimate?)null, (double?)null), (week22.N, week22.MeanChange, week22.ChangeSd));
    }

    [Fact]
    public void An_empty_arm_reports_zero_counts_and_no_statistics()
    {
        var summary = CohortEngine.Summarise(ArmCatalogue.PhysiotherapyId, "physio", [], s_nrs, s_settings, s_longAfter);

        Assert.Equal((0, (double?)null), (summary.Episodes, summary.SessionAdherence));
        Assert.All(summary.Windows, w => Assert.Equal((0, 0, 0, (double?)null, (Estimate?)null, (Estimate?)null, (double?)null),
            (w.Eligible, w.N, w.Missing, w.BaselineMean, w.MeanChange, w.ResponderRate, w.MissingShare)));
    }

    [Fact]
    public void The_summary_covers_every_follow_up_timepoint_but_not_the_baseline()
    {
        var summary = CohortEngine.Summarise(ArmCatalogue.PhysiotherapyId, "physio", [], s_nrs, s_settings, s_longAfter);

        Assert.Equal(["end-of-treatment", "week-10", "week-22", "6-months", "12-months"], summary.Windows.Select(w => w.Timepoint));
    }

    [Fact]
    public void Session_adherence_is_the_mean_of_attended_over_planned_capped_at_one()
    {
        // 6 / 12 = 0.5 and 15 / 12 capped at 1: mean 0.75. An episode with no planned sessions has no ratio and is left out.
        var scored = Place(Episode("physio", 6, 12, []), Episode("physio", 15, 12, []), Episode("physio", 3, 0, []));

        var summary = CohortEngine.Summarise(ArmCatalogue.PhysiotherapyId, "physio", scored, s_nrs, s_settings, s_longAfter);

        Assert.Equal(0.75, summary.SessionAdherence);
    }

    // ---- Between arms ----

    [Fact]
    public void The_clinics_standardised_effect_is_hedges_g_of_physiotherapy_minus_the_arm()
    {
        // Means 4.3 and 2.3, pooled SD sqrt(0.9) = 0.94868: d = 2 / 0.94868 = 2.10819. J = 1 - 3 / (4 x 20 - 9) = 68 / 71:
        // g = 2.01911. SE = J sqrt(20 / 100 + d^2 / 40) = 0.95775 x 0.55777 = 0.53421; g -/+ 1.95996 SE = 0.972 to 3.066.
        // Positive: the arm's lower (better) pain is a benefit.
        var scored = TwoArms("physio-cbt", 154, s_better, s_physio);

        var d = CohortEngine.Compare(scored, s_nrs, s_settings, s_catalogue)
            .Single(c => c.Timepoint == "week-22" && c.Published?.EvidenceId == "bemani2023-cbt-pain-d-week22");

        Assert.Equal((2.019, 0.972, 3.066), (d.Clinic!.Value, d.Clinic.Lower, d.Clinic.Upper));
    }

    [Fact]
    public void Beside_a_published_mean_difference_the_clinics_own_mean_difference_has_a_t_based_ci()
    {
        // 4.3 - 2.3 = 2.0; SE = 0.94868 x sqrt(1/10 + 1/10) = 0.42426; t(0.975, 18) 2.10092 x SE = 0.89135: 1.109 to 2.891.
        var scored = TwoArms("physio-cbt", 154, s_better, s_physio);

        var md = CohortEngine.Compare(scored, s_nrs, s_settings, s_catalogue)
            .Single(c => c.Timepoint == "week-22" && c.Published?.EvidenceId == "bemani2023-cbt-pain-week22");

        Assert.Equal(("mean-difference-nrs", 2.0, 1.109, 2.891), (md.Measure, md.Clinic!.Value, md.Clinic.Lower, md.Clinic.Upper));
    }

    [Theory]
    // The clinic's g is 2.019 (0.972 to 3.066): SE 0.534. Worked by hand, with each SE = CI width / 3.92:
    [InlineData(0.1, 0.9, "above")]        // published 0.5, SE 0.204: difference 1.519, 95% CI 0.40 to 2.64
    [InlineData(3.1, 4.0, "below")]        // published 3.55, SE 0.230: difference -1.531, CI -2.67 to -0.39
    [InlineData(0.43, 1.42, "consistent")] // published 0.925, SE 0.253: difference 1.094, CI -0.06 to 2.25
    [InlineData(0.5, 0.972, "above")]      // the CIs touch (the old overlap rule said consistent), yet the difference 1.283 has CI 0.21 to 2.36
    public void The_verdict_tests_the_difference_with_both_standard_errors(double publishedLower, double publishedUpper, string verdict)
    {
        var estimate = (publishedLower + publishedUpper) / 2;
        var effect = new EvidenceEffect("test-pain-post", "ho2022", "test treatment", "physiotherapy alone", "pain-intensity", "post-intervention", "smd",
            estimate, publishedLower, publishedUpper, estimate, publishedLower, publishedUpper, "test");
        var catalogue = s_catalogue with { Effects = [effect] };
        var physio = ArmCatalogue.Entries.Single(e => e.Code == "physio");
        var arm = ArmCatalogue.Entries.Single(e => e.Code == "physio-pain-education");
        var scored = Place([
            .. s_physio.Select(s => new CohortEpisode(Guid.CreateVersion7(), physio.Id, physio.Code, [], 6, 12, Guid.Empty, s_start, 0, [(At(0), 5), (At(42), s)])),
            .. s_better.Select(s => new CohortEpisode(Guid.CreateVersion7(), arm.Id, arm.Code, ["test-pain-post"], 6, 12, Guid.Empty, s_start, 0, [(At(0), 5), (At(42), s)])),
        ]);

        var comparison = CohortEngine.Compare(scored, s_nrs, s_settings, catalogue).Single(c => c.Timepoint == "end-of-treatment");

        Assert.Equal(("test-pain-post", verdict), (comparison.Published!.EvidenceId, comparison.Verdict));
        // The difference and its CI, recomputed here from the two CIs the comparison shows.
        var seClinic = (comparison.Clinic!.Upper - comparison.Clinic.Lower) / 3.919927969;
        var sePublished = (publishedUpper - publishedLower) / 3.919927969;
        var margin = 1.959963985 * Math.Sqrt((seClinic * seClinic) + (sePublished * sePublished));
        Assert.Equal(comparison.Clinic.Value - estimate, comparison.Difference!.Value, 3);
        Assert.Equal(comparison.Clinic.Value - estimate - margin, comparison.Difference.Lower, 3);
        Assert.Equal(comparison.Clinic.Value - estimate + margin, comparison.Difference.Upper, 3);
        Assert.Equal("hedges-g", comparison.ClinicMeasure);
        Assert.False(comparison.InsufficientData);
    }

    /// <summary>
    /// The case that made the overlap rule suspect: the clinic's g 0.32 (-0.14 to 0.79) against Ho's 0.92 (0.43 to
    /// 1.42). By hand: SEs 0.237 and 0.253, difference -0.60 with 95% CI -1.28 to 0.08: consistent, but only just.
    /// </summary>
    /// <summary>
    /// What a trial table shows: baseline and follow-up mean and SD of the episodes measured at both. Three
    /// episodes, baselines 6, 5, 7 and week-22 scores 3, 4, 2, worked by hand: baseline mean 6, SD 1; follow-up
    /// mean 3, SD 1; and with fewer than ten measured, the row says its estimates are insufficient.
    /// </summary>
    [Fact]
    public void Each_window_shows_baseline_and_follow_up_mean_and_sd_of_the_same_episodes()
    {
        var scored = Place(Episode("physio", (0, 6), (154, 3)), Episode("physio", (0, 5), (154, 4)), Episode("physio", (0, 7), (154, 2)),
            Episode("physio", (154, 5)));

        var window = Window(scored, "week-22", s_longAfter);

        Assert.Equal((3, 6.0, 1.0, 3.0, 1.0), (window.N, window.BaselineMean, window.BaselineSd, window.FollowUpMean, window.FollowUpSd));
        Assert.True(window.InsufficientData);
    }

    [Fact]
    public void An_arm_that_cites_no_published_effect_says_why_there_is_no_comparison()
    {
        var comparisons = CohortEngine.Compare(TwoArms("individualised-exercise-cbt", 154, s_better, s_physio), s_nrs, s_settings, s_catalogue);

        var week22 = comparisons.Single(c => c.Timepoint == "week-22");
        Assert.Equal(("no-published-effect", "hedges-g"), (week22.Verdict, week22.ClinicMeasure));
        Assert.Contains("cites no published effect", week22.VerdictRule, StringComparison.Ordinal);
        Assert.Null(week22.Difference);
    }

    [Fact]
    public void A_difference_whose_ci_holds_zero_is_consistent()
    {
        var (difference, verdict) = CohortEngine.CompareWithPublished(new Estimate(0.32, -0.14, 0.79), 0.92, 0.43, 1.42);

        Assert.Equal("consistent", verdict);
        Assert.Equal(-0.60, difference.Value, 3);
        Assert.Equal(-1.279, difference.Lower, 2);
        Assert.Equal(0.079, difference.Upper, 2);
    }

    [Theory]
    [InlineData(9, 10)]
    [InlineData(10, 9)]
    public void The_verdict_is_withheld_below_ten_measured_episodes_in_either_arm(int armN, int physioN)
    {
        var scored = TwoArms("physio-cbt", 154, s_better.Take(armN), s_physio.Take(physioN));

        var comparisons = CohortEngine.Compare(scored, s_nrs, s_settings, s_catalogue).Where(c => c.Timepoint == "week-22").ToList();

        Assert.All(comparisons, c => Assert.Equal(("not-enough-data", armN, physioN), (c.Verdict, c.N, c.ComparatorN)));
    }

    [Fact]
    public void With_ten_measured_episodes_in_each_arm_a_verdict_is_given()
    {
        // The clinic's 0.972 to 3.066 overlaps the published d (0.39 to 1.38); its 1.109 to 2.891 overlaps 1.15 to 3.25.
        var scored = TwoArms("physio-cbt", 154, s_better, s_physio);

        var comparisons = CohortEngine.Compare(scored, s_nrs, s_settings, s_catalogue).Where(c => c.Timepoint == "week-22").ToList();

        Assert.Equal(["consistent", "consistent"], comparisons.Select(c => c.Verdict));
    }

    [Fact]
    public void Without_a_comparator_measurement_there_is_no_clinic_estimate_and_no_verdict()
    {
        var scored = TwoArms("physio-cbt", 154, s_better, []);

        var comparisons = CohortEngine.Compare(scored, s_nrs, s_settings, s_catalogue).Where(c => c.Timepoint == "week-22").ToList();

        Assert.All(comparisons, c => Assert.Equal(((Estimate?)null, "not-enough-data", 0), (c.Clinic, c.Verdict, c.ComparatorN)));
    }

    [Theory]
    [InlineData("end-of-treatment", new[] { "ho2022-cbt-pain-post" })]                                   // week 6, in Ho's 6 to 14.7
    [InlineData("week-10", new[] { "bemani2023-cbt-pain-week10", "ho2022-cbt-pain-post" })]             // Ho's window and Bemani's week 10
    [InlineData("week-22", new[] { "bemani2023-cbt-pain-d-week22", "bemani2023-cbt-pain-week22" })]     // Bemani's week 22 only
    [InlineData("6-months", new string?[] { null })]                                                    // nothing cited covers week 26
    public void An_arm_is_set_beside_every_cited_pain_figure_whose_window_holds_the_timepoint(string timepoint, string?[] evidenceIds)
    {
        var comparisons = CohortEngine.Compare(TwoArms("physio-cbt", 154, s_better, s_physio), s_nrs, s_settings, s_catalogue);

        Assert.Equal(evidenceIds, comparisons.Where(c => c.Timepoint == timepoint).Select(c => c.Published?.EvidenceId));
    }

    [Fact]
    public void A_disability_instrument_is_compared_with_function_figures_and_never_with_nrs_mean_differences()
    {
        var odi = Instruments.Find(Instruments.Odi)!;

        var comparisons = CohortEngine.Compare(TwoArms("physio-cbt", 154, s_better, s_physio), odi, s_settings, s_catalogue);

        Assert.Equal(["ho2022-cbt-function-post"], comparisons.Where(c => c.Timepoint == "end-of-treatment").Select(c => c.Published?.EvidenceId));
    }

    [Fact]
    public void Where_no_figure_is_published_the_clinics_g_stands_alone_with_no_published_effect_verdict()
    {
        // 6 months (week 26, day 182): physio-cbt cites nothing covering it.
        var scored = TwoArms("physio-cbt", 182, s_better, s_physio);

        var comparison = CohortEngine.Compare(scored, s_nrs, s_settings, s_catalogue).Single(c => c.Timepoint == "6-months");

        Assert.Equal(("hedges-g", "hedges-g", 2.019, "no-published-effect"), (comparison.Measure, comparison.ClinicMeasure, comparison.Clinic!.Value, comparison.Verdict));
    }

    [Fact]
    public void Physiotherapy_alone_is_the_comparator_and_never_compared_with_itself()
    {
        var comparisons = CohortEngine.Compare(TwoArms("physio-cbt", 154, s_better, s_physio), s_nrs, s_settings, s_catalogue);

        Assert.All(comparisons, c => Assert.Equal(("physio-cbt", "physio"), (c.ArmCode, c.ComparatorArmCode)));
    }

    [Fact]
    public void An_empty_cohort_has_no_comparisons() => Assert.Empty(CohortEngine.Compare([], s_nrs, s_settings, s_catalogue));
}
