using ClinicApi.Data;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Evidence;
using ClinicApi.Features.Measurements;
using ClinicApi.Features.Reports;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using Microsoft.Extensions.Options;

namespace ClinicApi.Tests;

/// <summary>
/// The trajectory engine on hand-made measurements (no database): placement of each point, its band status, the
/// minimal-important-change status and the patient's classification. Episodes start on Monday 1 March 2027 with
/// the six-week protocol; scores are given in days since the start. A baseline of 5.03 (the trial's week-0 mean)
/// makes the published reference unscaled, so expected values are the trial's own means (docs/reference-model.md).
/// </summary>
public sealed class TrajectoryEngineTests
{
    private static readonly EvidenceCatalogue s_catalogue = EvidenceCatalogue.LoadEmbedded();
    private static readonly OutcomeSettings s_settings = Settings(new OutcomesOptions());
    private static readonly ClinicClock s_utc = new(TimeProvider.System, TimeZoneInfo.Utc);
    private static readonly DateOnly s_start = new(2027, 3, 1);

    private static OutcomeSettings Settings(OutcomesOptions options) => new(Options.Create(options), s_catalogue);

    private static DateTime At(int day, int hour = 9) => s_start.ToDateTime(new TimeOnly(hour, 0), DateTimeKind.Utc).AddDays(day);

    private static TrajectoryResponse Build(string armCode, params (int Day, double Score)[] scores) =>
        Build(armCode, Instruments.PainNrs, s_settings, s_utc, scores.Select(s => (At(s.Day), s.Score)).ToArray());

    private static TrajectoryResponse Build(string armCode, string instrument, OutcomeSettings settings, ClinicClock clock, (DateTime TakenAt, double Score)[] scores)
    {
        var entry = ArmCatalogue.Entries.Single(e => e.Code == armCode);
        var arm = new TreatmentArm { Code = entry.Code, Name = entry.Name, Weeks = 6, SessionsPerWeek = 2, EvidenceIds = entry.EvidenceIds };
        var input = new TrajectoryInput(Guid.CreateVersion7(), Guid.CreateVersion7(), s_start, arm,
            scores.Select(s => (Guid.CreateVersion7(), s.TakenAt, s.Score)).ToList());
        return TrajectoryEngine.Build(input, Instruments.Find(instrument)!, settings, s_catalogue, clock);
    }

    // ---- Points ----

    [Fact]
    public void Points_are_placed_in_weeks_since_the_start_in_order_whatever_order_they_arrive_in()
    {
        var t = Build("physio-cbt", (70, 2), (0, 5.03), (100, 3), (42, 2));

        // Days 0, 42, 70 and 100: weeks 0, 6, 10 and 14.3 (outside every window).
        Assert.Equal([(0.0, "baseline"), (6.0, "end-of-treatment"), (10.0, "week-10"), (14.3, OutcomeSettings.Unscheduled)],
            t.Observed.Select(o => (o.Week, o.Timepoint)));
    }

    [Theory]
    [InlineData(0, "baseline")]                            // 8 March 23:00 UTC is day 7: week 1.0, the baseline window's last day
    [InlineData(2, OutcomeSettings.Unscheduled)]           // at UTC+2 it is 9 March, day 8: week 1.1
    public void A_point_is_placed_by_the_clinics_local_date(int utcOffsetHours, string timepoint)
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("test", TimeSpan.FromHours(utcOffsetHours), "test", "test");

        var t = Build("physio-cbt", Instruments.PainNrs, s_settings, new ClinicClock(TimeProvider.System, zone), [(At(7, 23), 4)]);

        Assert.Equal(timepoint, t.Observed.Single().Timepoint);
    }

    [Fact]
    public void The_baseline_is_the_baseline_window_score_nearest_week_0()
    {
        // Weeks -0.4 (score 7) and 0.1 (score 5): 0.1 is nearer.
        var t = Build("physio-cbt", (-3, 7), (1, 5), (42, 2));

        Assert.Equal(5.0, t.Baseline);
    }

    [Fact]
    public void Of_two_baseline_scores_on_the_same_day_the_earlier_is_the_baseline()
    {
        // 7 at 17:00 arrives first, 5 at 08:00 second: same week, same distance from week 0.
        var t = Build("physio-cbt", Instruments.PainNrs, s_settings, s_utc, [(At(0, 17), 7), (At(0, 8), 5), (At(42, 9), 2)]);

        Assert.Equal(5.0, t.Baseline);
    }

    [Theory]
    [InlineData(0.5, Classification.Ahead)]     // below the band
    [InlineData(0.66, Classification.OnTrack)]  // on the lower edge: within
    [InlineData(1.66, Classification.OnTrack)]
    [InlineData(2.66, Classification.OnTrack)]  // on the upper edge: within
    [InlineData(2.7, Classification.Behind)]    // above the band
    public void A_point_is_ahead_below_the_band_on_track_within_it_and_behind_above_it(double score, string status)
    {
        // Week 22 of physiotherapy + CBT: mean 1.66, SD 2.00: band 1.66 -/+ 0.5 x 2.00 = 0.66 to 2.66.
        var t = Build("physio-cbt", (0, 5.03), (154, score));

        Assert.Equal(status, t.Observed[1].Status);
    }

    [Fact]
    public void A_point_carries_its_expected_value_band_and_difference()
    {
        // Week 10 of physiotherapy + CBT: 1.74 -/+ 0.5 x 1.74 = 0.87 to 2.61; the score 3 is 1.26 above the expected value.
        var week10 = Build("physio-cbt", (0, 5.03), (70, 3)).Observed[1];

        Assert.Equal((1.74, 0.87, 2.61, 1.26), (week10.Expected, week10.Lower, week10.Upper, week10.Difference));
    }

    [Fact]
    public void A_point_without_an_expected_value_has_no_status()
    {
        // Pain education's only published pain effect is post-intervention (weeks 6 to 14.7): nothing at week 22.
        var week22 = Build("physio-pain-education", (0, 5.03), (154, 2)).Observed[1];

        Assert.Equal(((double?)null, (string?)null, (double?)null), (week22.Expected, week22.Status, week22.Difference));
    }

    // ---- Expected curve ----

    [Fact]
    public void The_expected_curve_is_weekly_up_to_the_last_published_week()
    {
        var t = Build("physio-cbt", (0, 5.03), (42, 2));

        Assert.Equal(Enumerable.Range(0, 23).Select(w => (double)w), t.Expected.Select(e => e.Week));
    }

    [Fact]
    public void A_derived_curve_stops_where_the_evidence_stops()
    {
        // Pain education's pain effect is post-intervention only: weeks 6 to 6 + 8.7 = 14.7, so weeks 0 to 14.
        var t = Build("physio-pain-education", (0, 5.03), (42, 2));

        Assert.Equal(Enumerable.Range(0, 15).Select(w => (double)w), t.Expected.Select(e => e.Week));
    }

    // ---- Minimal important change (NRS: 2 points or 30%, Ostelo 2008) ----

    [Theory]
    [InlineData(6, 4, true, true, true)]       // 2 points, 33%
    [InlineData(10, 8, true, false, true)]     // 2 points, 20%
    [InlineData(5, 3.5, false, true, true)]    // 1.5 points, 30%
    [InlineData(8, 6.5, false, false, false)]  // 1.5 points, 19%
    [InlineData(4, 5, false, false, false)]    // worse
    public void Mic_is_met_in_points_or_relative_to_baseline_and_either_is_an_improvement(
        double baseline, double latest, bool metPoints, bool metRelative, bool improved)
    {
        var mic = Build("physio", (0, baseline), (42, latest)).MinimalImportantChange!;

        Assert.Equal((metPoints, metRelative, improved), (mic.MetPoints, mic.MetRelative, mic.Improved));
    }

    [Fact]
    public void Mic_reports_the_improvement_in_points_and_relative_and_its_evidence()
    {
        // 5 -> 2: 3 points, 3 / 5 = 0.6.
        var mic = Build("physio", (0, 5), (42, 2)).MinimalImportantChange!;

        Assert.Equal((5.0, 2.0, 3.0, 0.6, "ostelo2008-mic-pain-nrs"), (mic.Baseline, mic.Latest, mic.AbsoluteImprovement, mic.RelativeImprovement, mic.EvidenceId));
    }

    [Fact]
    public void Mic_compares_the_latest_score_not_the_best()
    {
        // Best 2 at week 6, latest 5 at week 10: 1 point from a baseline of 6.
        var mic = Build("physio", (0, 6), (42, 2), (70, 5)).MinimalImportantChange!;

        Assert.Equal((5.0, 1.0, false), (mic.Latest, mic.AbsoluteImprovement, mic.Improved));
    }

    [Fact]
    public void Mic_uses_a_configured_threshold_without_an_evidence_entry()
    {
        var settings = Settings(new OutcomesOptions
        {
            MinimalImportantChange = { [Instruments.PainNrs] = new MinimalImportantChange { Points = 3, Relative = 0.5, Source = "Clinic protocol" } },
        });

        var mic = Build("physio", Instruments.PainNrs, settings, s_utc, [(At(0), 6), (At(42), 4)]).MinimalImportantChange!;

        Assert.Equal((3.0, 0.5, (string?)null, "Clinic protocol", false), (mic.Points, mic.Relative, mic.EvidenceId, mic.Source, mic.Improved));
    }

    [Fact]
    public void Mic_is_absent_for_an_instrument_without_a_threshold()
    {
        var t = Build("physio", Instruments.Pcs, s_settings, s_utc, [(At(0), 40), (At(42), 10)]);

        Assert.Null(t.MinimalImportantChange);
    }

    [Theory]
    [InlineData(40.3, 30.3, true, false)]   // 10 points (Ostelo: at least 10), 24.8%; in binary 40.3 - 30.3 = 9.999999999999996
    [InlineData(33, 23.1, false, true)]     // 9.9 points, exactly 30%; in binary (33 - 23.1) / 33 = 0.29999999999999993
    public void Mic_counts_an_odi_improvement_of_exactly_the_threshold_in_decimal_scores(double baseline, double latest, bool metPoints, bool metRelative)
    {
        var mic = Build("physio", Instruments.Odi, s_settings, s_utc, [(At(0), baseline), (At(42), latest)]).MinimalImportantChange!;

        Assert.Equal((metPoints, metRelative), (mic.MetPoints, mic.MetRelative));
    }

    [Fact]
    public void Mic_relative_is_not_met_by_rounding_up_to_the_threshold()
    {
        // ODI 33.3 -> 23.32: 9.98 points, 9.98 / 33.3 = 0.29970, short of 30% though shown rounded as 0.3. The cohort
        // report counts this patient as no responder; the trajectory must not call it met.
        var mic = Build("physio", Instruments.Odi, s_settings, s_utc, [(At(0), 33.3), (At(42), 23.32)]).MinimalImportantChange!;

        Assert.Equal((0.3, false), (mic.RelativeImprovement, mic.MetRelative));
    }

    // ---- Classification ----

    [Fact]
    public void Nothing_after_the_baseline_is_not_enough_data()
    {
        var t = Build("physio-cbt", (0, 5));

        Assert.Equal((Classification.NotEnoughData, "No measurement after a baseline yet."), (t.Classification, t.ClassificationRule));
    }

    [Fact]
    public void Without_a_baseline_there_is_no_reference_and_not_enough_data()
    {
        var t = Build("physio-cbt", (42, 2), (70, 2));

        Assert.Equal(((double?)null, ReferenceCurve.None, Classification.NotEnoughData, (MicStatus?)null),
            (t.Baseline, t.Reference.Method, t.Classification, t.MinimalImportantChange));
    }

    [Fact]
    public void Follow_ups_without_any_expected_value_are_not_enough_data()
    {
        // Individualised exercise + CBT cites no effect size: no reference at all.
        var t = Build("individualised-exercise-cbt", (0, 5), (42, 5));

        Assert.Equal((ReferenceCurve.None, Classification.NotEnoughData), (t.Reference.Method, t.Classification));
    }

    [Fact]
    public void Behind_is_scored_by_the_points_above_the_band()
    {
        // Week 22 band 0.66 to 2.66 (see above); the score 4 is 1.34 above it.
        var t = Build("physio-cbt", (0, 5.03), (154, 4));

        Assert.Equal((Classification.Behind, 1.34), (t.Classification, t.Severity));
    }

    [Fact]
    public void The_classification_is_the_status_of_the_latest_point_that_has_an_expected_value()
    {
        // Pain education at week 6: 2.43 - 0.91 x 1.85 = 0.75, band clamped 0 to 1.67: the score 1 is on track.
        // Week 22 has no expected value (and rises 1 point only: no rebound), so week 6 decides.
        var t = Build("physio-pain-education", (0, 5.03), (42, 1), (154, 2));

        Assert.Equal((Classification.OnTrack, true), (t.Classification, t.ClassificationRule.StartsWith("At week 6 ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(4, Classification.Rebounding)]  // 2 -> 4: a rise of the minimal important change (2 points)
    [InlineData(3, Classification.OnTrack)]     // 2 -> 3: 1 point; week 10 band 3.29 x 6 / 5.03 -/+ 0.5 x 2.01 x 6 / 5.03 = 2.73 to 5.12
    public void A_rise_of_the_minimal_important_change_after_treatment_is_rebounding(double week10, string classification)
    {
        var t = Build("physio", (0, 6), (42, 2), (70, week10));

        Assert.Equal(classification, t.Classification);
    }

    [Fact]
    public void Rebounding_is_scored_by_the_rise()
    {
        var t = Build("physio", (0, 6), (42, 2), (70, 4.5));

        Assert.Equal((Classification.Rebounding, 2.5), (t.Classification, t.Severity));
    }

    [Theory]
    [InlineData(35, Classification.Rebounding)]  // week 5.0: inside the end-of-treatment window, the best (1) counts: rise 3.5
    [InlineData(34, Classification.OnTrack)]     // week 4.9: during treatment, so the best since is 3 (week 6): rise 1.5
    public void A_rebound_is_measured_from_the_best_score_since_the_end_of_treatment_window(int dayOfBest, string classification)
    {
        // Week 10 score 4.5 lies within the physio band 2.73 to 5.12.
        var t = Build("physio", (0, 6), (dayOfBest, 1), (42, 3), (70, 4.5));

        Assert.Equal(classification, t.Classification);
    }

    [Fact]
    public void A_rise_during_treatment_is_not_a_rebound()
    {
        // Week 2: 1, week 5: 4 (a 3-point rise, but not after the end of treatment at week 6). The week-5 band:
        // mean 5.03 - 2.60 x 5 / 6 = 2.863, SD 0.95 + 0.90 x 5 / 6 = 1.70, x 6 / 5.03: 3.42 -/+ 1.01 = 2.40 to 4.43.
        var t = Build("physio", (0, 6), (14, 1), (35, 4));

        Assert.Equal(Classification.OnTrack, t.Classification);
    }

    [Fact]
    public void Rebounding_is_checked_before_the_band()
    {
        // Week 10 score 5 is within the band (2.73 to 5.12) yet 3 points above the best since treatment ended.
        var t = Build("physio", (0, 6), (42, 2), (70, 5));

        Assert.Equal((Classification.OnTrack, Classification.Rebounding), (t.Observed[^1].Status, t.Classification));
    }

    // ---- The chart ----

    private static System.Xml.Linq.XElement[] Texts(string svg) =>
        [.. System.Xml.Linq.XDocument.Parse(svg).Descendants().Where(e => e.Name.LocalName == "text")];

    private static string? TextOf(string svg, string cssClass) =>
        Texts(svg).FirstOrDefault(e => (string?)e.Attribute("class") == cssClass)?.Value;

    [Fact]
    public void The_chart_labels_its_score_axis_with_the_direction_that_is_better()
    {
        var svg = TrajectoryEngine.Svg(Build("physio-cbt", (0, 5), (42, 2)), Instruments.Find(Instruments.PainNrs)!);

        Assert.Equal("score (lower is better)", TextOf(svg, "y-axis-label"));
        Assert.Contains("rotate(-90", (string?)Texts(svg).Single(e => (string?)e.Attribute("class") == "y-axis-label").Attribute("transform"), StringComparison.Ordinal);
    }

    [Fact]
    public void Title_subtitle_legend_and_end_of_treatment_label_each_have_a_line_of_their_own()
    {
        var svg = TrajectoryEngine.Svg(Build("physio-cbt", (0, 5), (42, 2)), Instruments.Find(Instruments.PainNrs)!);

        var lines = new[] { "title", "subtitle", "legend", "end-of-treatment-label" }
            .Select(c => double.Parse((string)Texts(svg).Single(e => (string?)e.Attribute("class") == c).Attribute("y")!, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        // At least a line (12 px at this font size) apart, top to bottom, all above the plot (which starts at y 84).
        Assert.All(lines.Zip(lines.Skip(1)), pair => Assert.True(pair.Second - pair.First >= 12, $"{pair.First} and {pair.Second} overlap"));
        Assert.True(lines[^1] <= 84);
        Assert.Equal("expected (dashed line) with its band; observed (red)", TextOf(svg, "legend"));
    }

    [Fact]
    public void Without_a_reference_the_legend_says_why_and_draws_no_band()
    {
        // No baseline: the reference, scaled to the patient's own baseline, cannot be drawn.
        var t = Build("physio-cbt", (42, 2), (70, 3));
        var svg = TrajectoryEngine.Svg(t, Instruments.Find(Instruments.PainNrs)!);

        Assert.StartsWith("observed (red); no reference: ", TextOf(svg, "legend"), StringComparison.Ordinal);
        Assert.Contains(t.Reference.Description, TextOf(svg, "legend"), StringComparison.Ordinal);
        Assert.DoesNotContain("dashed", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"band\"", svg, StringComparison.Ordinal);
    }
}
