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

    [Fact]
    public void Every_effect_window_maps_to_weeks_since_the_start()
    {
        Assert.All(s_catalogue.Effects, e => Assert.NotNull(ReferenceModel.WindowWeeks(e.Source, e.Window, 6)));
    }

    [Fact]
    public void An_arm_with_a_published_trajectory_follows_it_scaled_to_the_patients_baseline()
    {
        var curve = ReferenceModel.For(Arm("physio-cbt"), s_nrs, 5.03, s_catalogue);
        Assert.Equal(ReferenceCurve.Published, curve.Method);
        Assert.Equal(["bemani2023-cbt-pain-trajectory"], curve.EvidenceIds);
        var week22 = curve.At(22)!;
        Assert.Equal((1.66, 0.66, 2.66), (week22.Expected, week22.Lower, week22.Upper));
        Assert.Equal(1.86, curve.At(6)!.Expected);
        Assert.Null(curve.At(23));

        // Baseline 8 instead of 5.03: every value scales by 8 / 5.03.
        Assert.Equal(Math.Round(1.86 * 8 / 5.03, 2), ReferenceModel.For(Arm("physio-cbt"), s_nrs, 8, s_catalogue).At(6)!.Expected);
        Assert.Equal(3.86, ReferenceModel.For(Arm("physio"), s_nrs, 5.03, s_catalogue).At(22)!.Expected);
    }

    [Fact]
    public void An_arm_with_only_an_effect_size_is_derived_from_physiotherapy_alone()
    {
        var curve = ReferenceModel.For(Arm("physio-pain-education"), s_nrs, 5.03, s_catalogue);
        Assert.Equal(ReferenceCurve.Derived, curve.Method);
        // Week 6: 2.43 - 0.91 x 1.85; week 10: 3.29 - 0.91 x 2.01 (Ho 2022 post-intervention, up to 2 months after the end).
        Assert.Equal(Math.Round(2.43 - 0.91 * 1.85, 2), curve.At(6)!.Expected);
        Assert.Equal(Math.Round(3.29 - 0.91 * 2.01, 2), curve.At(10)!.Expected);
        Assert.Equal(["bemani2023-physio-pain-trajectory", "ho2022-pe-pain-post"], curve.At(10)!.EvidenceIds);
        Assert.Equal(ReferenceCurve.Derived, curve.At(10)!.Method);
        // During treatment the effect ramps from 0: half of it at week 3.
        Assert.Equal(Math.Round(3.73 - 0.91 * 0.5 * 1.40, 2), curve.At(3)!.Expected);
        Assert.Equal(5.03, curve.At(0)!.Expected);
        // No pain effect is published for pain education at short term: no expected value at week 22.
        Assert.Null(curve.At(22));
    }

    [Fact]
    public void Individualised_exercise_ramps_to_the_short_term_window()
    {
        var curve = ReferenceModel.For(Arm("individualised-exercise"), s_nrs, 5.03, s_catalogue);
        Assert.Equal(Math.Round(3.29 - 0.28 * 2.01, 2), curve.At(10)!.Expected);
        Assert.Equal(Math.Round(2.43 - 0.28 * 6 / 8 * 1.85, 2), curve.At(6)!.Expected);
        Assert.Null(curve.At(20));
    }

    [Fact]
    public void Derived_values_are_clamped_to_the_instrument_range()
    {
        var curve = ReferenceModel.For(Arm("physio-behavioural"), s_nrs, 1, s_catalogue);
        var week6 = curve.At(6)!;
        Assert.Equal(0, week6.Lower);
        Assert.True(week6.Expected >= 0);
    }

    [Fact]
    public void No_reference_is_invented_where_the_evidence_has_none()
    {
        Assert.Equal(ReferenceCurve.None, ReferenceModel.For(Arm("individualised-exercise-cbt"), s_nrs, 6, s_catalogue).Method);
        Assert.Equal(ReferenceCurve.None, ReferenceModel.For(Arm("physio-cbt"), Instruments.Find(Instruments.Odi)!, 40, s_catalogue).Method);
        Assert.Equal(ReferenceCurve.None, ReferenceModel.For(Arm("physio-cbt"), s_nrs, null, s_catalogue).Method);
    }
}
