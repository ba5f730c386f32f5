using ClinicApi.Data;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Evidence;
using ClinicApi.Features.Reports;
using ClinicApi.Outcomes;

namespace ClinicApi.Tests;

/// <summary>The reference model of docs/reference-model.md, on the shipped evidence catalogue.</summary>
public sealed class ReferenceModelTests
{
    private static readonly EvidenceCatalogue s_catalogue = EvidenceCatalogue.LoadEmbedded();
    private static readonly Instrument s_nrs = Instruments.Find(Instruments.PainNrs)!;

    private static TreatmentArm Arm(string code)
    {
        var entry = ArmCatalogue.Entries.Single(e => e.Code == code);
        return new TreatmentArm { Code = entry.Code, Name = entry.Name, Weeks = 6, SessionsPerWeek = 2, EvidenceIds = entry.EvidenceIds };
    }

    private static EvidenceEffect Effect(string id) => s_catalogue.Effects.Single(e => e.Id == id);

    // ---- Windows and outcomes ----

    [Fact]
    public void Every_effect_window_maps_to_weeks_since_the_start()
    {
        Assert.All(s_catalogue.Effects, e => Assert.NotNull(ReferenceModel.WindowWeeks(e.Source, e.Window, 6)));
    }

    [Theory]
    [InlineData("ho2022", "post-intervention", 6, 6, 14.7)]     // end of treatment to 2 months (8.7 weeks) after it
    [InlineData("ho2022", "short-term", 6, 14.7, 32.1)]         // 2 to 6 months after the end
    [InlineData("ho2022", "mid-term", 6, 32.1, 58.2)]           // 6 to 12 months after the end
    [InlineData("ho2022", "post-intervention", 8, 8, 16.7)]     // Ho counts from the arm's own end of treatment
    [InlineData("bemani2023", "week-10", 6, 10, 10)]            // Bemani names weeks since the start
    [InlineData("fleckenstein2022", "short-term", 6, 8, 16)]    // about 12 weeks
    [InlineData("fleckenstein2022", "long-term", 6, 40, 64)]    // about 1 year
    public void A_sources_window_is_turned_into_weeks_since_the_start(string source, string window, double endOfTreatment, double from, double to)
    {
        var weeks = ReferenceModel.WindowWeeks(source, window, endOfTreatment)!.Value;

        Assert.Equal(from, weeks.From, 1e-9);
        Assert.Equal(to, weeks.To, 1e-9);
    }

    [Fact]
    public void Hos_long_term_window_has_no_end()
    {
        var weeks = ReferenceModel.WindowWeeks("ho2022", "long-term", 6)!.Value;

        Assert.Equal(58.2, weeks.From, 1e-9);
        Assert.Equal(double.PositiveInfinity, weeks.To);
    }

    [Fact]
    public void An_unknown_window_maps_to_nothing() => Assert.Null(ReferenceModel.WindowWeeks("ho2022", "week-22", 6));

    [Theory]
    [InlineData(5.9, false)]
    [InlineData(6, true)]      // both ends belong to the window
    [InlineData(14.7, true)]
    [InlineData(14.8, false)]
    public void An_effect_covers_the_weeks_of_its_window_ends_included(double week, bool covered)
    {
        Assert.Equal(covered, ReferenceModel.Covers(Effect("ho2022-cbt-pain-post"), week, 6));
    }

    [Theory]
    [InlineData(Instruments.PainNrs, "pain-intensity")]
    [InlineData(Instruments.Odi, "physical-function,disability")]
    [InlineData(Instruments.Rmdq, "physical-function,disability")]
    [InlineData(Instruments.Pcs, "")]
    public void An_instrument_is_compared_with_evidence_on_its_outcome_domains(string instrument, string outcomes)
    {
        Assert.Equal(outcomes.Split(',', StringSplitOptions.RemoveEmptyEntries), ReferenceModel.OutcomesOf(instrument));
    }

    [Theory]
    [InlineData("ho2022-cbt-pain-post", true)]          // smd
    [InlineData("bemani2023-cbt-pain-d-week22", true)]  // cohens-d
    [InlineData("bemani2023-cbt-pain-week22", false)]   // mean-difference-nrs: in points, not standardised
    public void Smds_and_cohens_d_are_standardised_and_mean_differences_are_not(string effectId, bool standardised)
    {
        Assert.Equal(standardised, ReferenceModel.IsStandardised(Effect(effectId)));
    }

    // ---- Published trajectory ----

    [Fact]
    public void An_arm_with_a_published_trajectory_uses_it_and_cites_it()
    {
        var curve = ReferenceModel.For(Arm("physio-cbt"), s_nrs, 5.03, s_catalogue);

        Assert.Equal(ReferenceCurve.Published, curve.Method);
        Assert.Equal(["bemani2023-cbt-pain-trajectory"], curve.EvidenceIds);
    }

    [Theory]
    [InlineData(6, 1.86)]
    [InlineData(8, 1.80)]   // linear between week 6 (1.86) and week 10 (1.74)
    [InlineData(22, 1.66)]
    public void The_published_reference_is_the_trial_mean_at_that_week(double week, double expected)
    {
        // Baseline 5.03, the trial's own week-0 mean: no scaling.
        Assert.Equal(expected, ReferenceModel.For(Arm("physio-cbt"), s_nrs, 5.03, s_catalogue).At(week)!.Expected);
    }

    [Fact]
    public void The_band_is_half_a_trial_sd_either_side_of_the_expected_value()
    {
        // Week 22: 1.66 -/+ 0.5 x 2.00.
        var week22 = ReferenceModel.For(Arm("physio-cbt"), s_nrs, 5.03, s_catalogue).At(22)!;

        Assert.Equal((1.66, 0.66, 2.66), (week22.Expected, week22.Lower, week22.Upper));
    }

    [Fact]
    public void Nothing_is_extrapolated_past_the_last_published_week()
    {
        Assert.Null(ReferenceModel.For(Arm("physio-cbt"), s_nrs, 5.03, s_catalogue).At(23));
    }

    [Fact]
    public void The_reference_is_scaled_to_the_patients_baseline()
    {
        // Baseline 8 instead of 5.03: every value scales by 8 / 5.03.
        Assert.Equal(Math.Round(1.86 * 8 / 5.03, 2), ReferenceModel.For(Arm("physio-cbt"), s_nrs, 8, s_catalogue).At(6)!.Expected);
    }

    [Fact]
    public void Physiotherapy_alone_follows_its_own_published_trajectory()
    {
        Assert.Equal(3.86, ReferenceModel.For(Arm("physio"), s_nrs, 5.03, s_catalogue).At(22)!.Expected);
    }

    [Fact]
    public void A_week_before_the_start_is_compared_with_the_week_0_value()
    {
        // A baseline taken a few days before the episode starts: the trial's week 0, not an extrapolation.
        var before = ReferenceModel.For(Arm("physio-cbt"), s_nrs, 5.03, s_catalogue).At(-0.4)!;

        Assert.Equal((-0.4, 5.03), (before.Week, before.Expected));
    }

    // ---- Derived from an effect size ----

    [Fact]
    public void An_arm_with_only_an_effect_size_is_derived_from_physiotherapy_alone()
    {
        var curve = ReferenceModel.For(Arm("physio-pain-education"), s_nrs, 5.03, s_catalogue);

        Assert.Equal(ReferenceCurve.Derived, curve.Method);
        Assert.Equal(ReferenceCurve.Derived, curve.At(10)!.Method);
    }

    [Theory]
    [InlineData(6, 2.43 - 0.91 * 1.85)]    // Ho 2022 post-intervention effect 0.91 x the physio SD at week 6
    [InlineData(10, 3.29 - 0.91 * 2.01)]   // still post-intervention: up to 2 months after the end
    public void A_derived_value_is_physiotherapy_alone_shifted_by_the_effect_times_its_sd(double week, double expected)
    {
        Assert.Equal(Math.Round(expected, 2), ReferenceModel.For(Arm("physio-pain-education"), s_nrs, 5.03, s_catalogue).At(week)!.Expected);
    }

    [Fact]
    public void A_derived_point_cites_the_physiotherapy_trajectory_and_the_effect_that_shifted_it()
    {
        Assert.Equal(["bemani2023-physio-pain-trajectory", "ho2022-pe-pain-post"],
            ReferenceModel.For(Arm("physio-pain-education"), s_nrs, 5.03, s_catalogue).At(10)!.EvidenceIds);
    }

    [Theory]
    [InlineData(0, 5.03)]                      // no difference at the start
    [InlineData(3, 3.73 - 0.91 * 0.5 * 1.40)]  // half the effect half way to the first window (week 6)
    public void During_treatment_the_effect_ramps_from_zero(double week, double expected)
    {
        Assert.Equal(Math.Round(expected, 2), ReferenceModel.For(Arm("physio-pain-education"), s_nrs, 5.03, s_catalogue).At(week)!.Expected);
    }

    [Fact]
    public void Where_no_effect_is_published_for_the_window_there_is_no_derived_value()
    {
        // No pain effect is published for pain education at short term: no expected value at week 22.
        Assert.Null(ReferenceModel.For(Arm("physio-pain-education"), s_nrs, 5.03, s_catalogue).At(22));
    }

    [Fact]
    public void Between_two_published_windows_there_is_no_derived_value()
    {
        // Behavioural therapy: post-intervention (6 to 14.7) and mid term (from 32.1); nothing at week 20.
        Assert.Null(ReferenceModel.For(Arm("physio-behavioural"), s_nrs, 5.03, s_catalogue).At(20));
    }

    [Theory]
    [InlineData(10, 3.29 - 0.28 * 2.01)]        // Fleckenstein short term (8 to 16): the whole effect
    [InlineData(6, 2.43 - 0.28 * 6 / 8 * 1.85)] // before it, ramped: 6 / 8 of the effect
    public void Individualised_exercise_ramps_to_the_short_term_window(double week, double expected)
    {
        Assert.Equal(Math.Round(expected, 2), ReferenceModel.For(Arm("individualised-exercise"), s_nrs, 5.03, s_catalogue).At(week)!.Expected);
    }

    [Fact]
    public void Individualised_exercise_has_no_derived_value_after_the_short_term_window()
    {
        Assert.Null(ReferenceModel.For(Arm("individualised-exercise"), s_nrs, 5.03, s_catalogue).At(20));
    }

    [Fact]
    public void Derived_values_are_clamped_to_the_instrument_range()
    {
        var curve = ReferenceModel.For(Arm("physio-behavioural"), s_nrs, 1, s_catalogue);
        var week6 = curve.At(6)!;
        Assert.Equal(0, week6.Lower);
        Assert.True(week6.Expected >= 0);
    }

    // ---- No reference ----

    [Theory]
    [InlineData("individualised-exercise-cbt", Instruments.PainNrs, 6.0)]  // cites no effect size (its "84%" is unconfirmed)
    [InlineData("physio-cbt", Instruments.Odi, 40.0)]                      // no physiotherapy-alone ODI trajectory
    [InlineData("physio-cbt", Instruments.PainNrs, null)]                  // no baseline to scale to
    public void No_reference_is_invented_where_the_evidence_has_none(string arm, string instrument, double? baseline)
    {
        Assert.Equal(ReferenceCurve.None, ReferenceModel.For(Arm(arm), Instruments.Find(instrument)!, baseline, s_catalogue).Method);
    }
}
