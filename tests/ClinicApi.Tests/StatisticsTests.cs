using ClinicApi.Outcomes;

namespace ClinicApi.Tests;

/// <summary>
/// The report statistics against values computed independently: a textbook example (Borenstein et al.,
/// Introduction to Meta-Analysis, ch. 4), published t quantiles, Wilson intervals, and the Bemani 2023 trial
/// means, which must reproduce the published between-group difference at week 22.
/// </summary>
public sealed class StatisticsTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(9, 2.262157)]
    [InlineData(30, 2.042272)]
    [InlineData(40, 2.021075)]
    [InlineData(68, 1.995469)]
    [InlineData(120, 1.979930)]
    [InlineData(1000, 1.962339)]
    public void T_critical_values_match_the_tables(int df, double expected) =>
        Assert.Equal(expected, Statistics.TCritical95(df), 2e-5);

    [Fact]
    public void Hedges_g_and_its_ci_match_the_textbook_example()
    {
        // Borenstein: treated 103 (SD 5.5, n 50), control 100 (SD 4.5, n 50): d 0.5970, g 0.5924, SE(g) 0.2028.
        var treated = new Summary(50, 103, 5.5);
        var control = new Summary(50, 100, 4.5);

        Assert.Equal(0.597022, Statistics.CohensD(treated, control), 2e-5);
        var g = Statistics.HedgesG(treated, control)!;
        Assert.Equal(0.592442, g.Value, 2e-5);
        Assert.Equal(0.194885, g.Lower, 2e-5);
        Assert.Equal(0.989998, g.Upper, 2e-5);
    }

    [Theory]
    [InlineData(7, 10, 0.396778, 0.892209)]
    [InlineData(0, 10, 0.0, 0.277533)]
    [InlineData(35, 70, 0.385957, 0.614043)]
    public void Proportion_ci_is_the_wilson_score_interval(int successes, int trials, double lower, double upper)
    {
        var ci = Statistics.ProportionCi(successes, trials)!;
        Assert.Equal((double)successes / trials, ci.Value, 1e-9);
        Assert.Equal(lower, ci.Lower, 2e-5);
        Assert.Equal(upper, ci.Upper, 2e-5);
    }

    [Fact]
    public void Mean_ci_uses_t_with_n_minus_1_degrees_of_freedom()
    {
        var ci = Statistics.MeanCi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])!;
        Assert.Equal(5.5, ci.Value, 1e-9);
        Assert.Equal(3.334149, ci.Lower, 2e-5);
        Assert.Equal(7.665851, ci.Upper, 2e-5);
    }

    [Fact]
    public void A_mean_ci_needs_two_values() => Assert.Null(Statistics.MeanCi([4]));

    [Fact]
    public void A_proportion_ci_needs_trials() => Assert.Null(Statistics.ProportionCi(0, 0));

    [Fact]
    public void Hedges_g_needs_two_values_in_each_group() =>
        Assert.Null(Statistics.HedgesG(new Summary(1, 3, double.NaN), new Summary(10, 2, 1)));

    /// <summary>35 values per arm with exactly the published week-22 means and SDs (Bemani 2023).</summary>
    private static double[] Arm(double mean, double sd) =>
        Enumerable.Range(1, 35).Select(i => mean + sd * (i - 18) / Math.Sqrt(105)).ToArray();

    private static readonly Summary s_cbtWeek22 = Summary.Of(Arm(1.66, 2.00));
    private static readonly Summary s_physioWeek22 = Summary.Of(Arm(3.86, 2.35));

    [Fact]
    public void The_trial_fixture_has_exactly_the_published_week_22_means_and_sds()
    {
        var (cbt, physio) = (s_cbtWeek22, s_physioWeek22);
        Assert.Equal((1.66, 2.00, 3.86, 2.35), (Math.Round(cbt.Mean, 10), Math.Round(cbt.Sd, 10), Math.Round(physio.Mean, 10), Math.Round(physio.Sd, 10)));
    }

    [Fact]
    public void The_published_trial_means_reproduce_the_week_22_difference()
    {
        // CBT minus physiotherapy: -2.20, CI close to the published -3.25 to -1.15.
        var difference = Statistics.MeanDifferenceCi(s_cbtWeek22, s_physioWeek22)!;
        Assert.Equal(-2.20, difference.Value, 1e-9);
        Assert.Equal(-3.2408, difference.Lower, 1e-3);
        Assert.Equal(-1.1592, difference.Upper, 1e-3);
        Assert.InRange(difference.Lower, -3.25 - 0.02, -3.25 + 0.02);
        Assert.InRange(difference.Upper, -1.15 - 0.02, -1.15 + 0.02);
    }

    [Fact]
    public void Cohens_d_recomputed_from_the_published_means_differs_from_the_published_d()
    {
        // Recomputed from these means and SDs d is about -1.01 (pooled SD 2.18), not the published -0.89: both stand as they are.
        Assert.Equal(2.1820, Statistics.PooledSd(s_cbtWeek22, s_physioWeek22), 1e-3);
        Assert.Equal(-1.0082, Statistics.CohensD(s_cbtWeek22, s_physioWeek22), 1e-3);
    }

    private static readonly (double, double)[] s_physioMeans = [(0, 5.03), (6, 2.43), (10, 3.29), (22, 3.86)];

    [Fact]
    public void Interpolation_is_linear_between_points_and_exact_at_them()
    {
        var points = s_physioMeans;
        Assert.Equal(3.73, Statistics.Interpolate(points, 3)!.Value, 1e-9);
        Assert.Equal(2.86, Statistics.Interpolate(points, 8)!.Value, 1e-9);
        Assert.Equal(3.86, Statistics.Interpolate(points, 22)!.Value, 1e-9);
        Assert.True(Math.Abs(Statistics.Interpolate(points, 0)!.Value - 5.03) < Tolerance);
    }

    [Theory]
    [InlineData(23)]
    [InlineData(-1)]
    public void Interpolation_does_not_extrapolate(double x) => Assert.Null(Statistics.Interpolate(s_physioMeans, x));
}
