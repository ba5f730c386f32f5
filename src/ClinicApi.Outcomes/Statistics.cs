namespace ClinicApi.Outcomes;

/// <summary>An estimate with its 95% confidence interval.</summary>
public sealed record Estimate(double Value, double Lower, double Upper);

/// <summary>A sample's size, mean and sample standard deviation (n - 1).</summary>
public sealed record Summary(int N, double Mean, double Sd)
{
    public static Summary Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return new(0, double.NaN, double.NaN);
        }

        var mean = values.Average();
        var sd = values.Count < 2 ? double.NaN : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new(values.Count, mean, sd);
    }
}

/// <summary>
/// The statistics the reports use, each the textbook formula (checked in the unit tests against values computed
/// independently): t-based CI of a mean, Wilson score CI of a proportion, Hedges' g with its large-sample CI.
/// </summary>
public static class Statistics
{
    public const double Z95 = 1.959963984540054;

    // Two-sided 95% critical values of Student's t for 1-30 degrees of freedom.
    private static readonly double[] s_t975 =
    [
        12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135,
        2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546, 2.119905299,
        2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
        2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
    ];

    /// <summary>t(0.975, df): exact table to 30, then the Cornish-Fisher expansion (error below 1e-5 from df 30).</summary>
    public static double TCritical95(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (degreesOfFreedom <= s_t975.Length)
        {
            return s_t975[degreesOfFreedom - 1];
        }

        double z = Z95, n = degreesOfFreedom;
        var z3 = z * z * z;
        var z5 = z3 * z * z;
        var z7 = z5 * z * z;
        return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n)
               + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n);
    }

    /// <summary>Mean with its t-based 95% CI; null below two values.</summary>
    public static Estimate? MeanCi(IReadOnlyCollection<double> values)
    {
        var s = Summary.Of(values);
        if (s.N < 2)
        {
            return null;
        }

        var half = TCritical95(s.N - 1) * s.Sd / Math.Sqrt(s.N);
        return new(s.Mean, s.Mean - half, s.Mean + half);
    }

    /// <summary>Wilson score 95% interval of a proportion; null when there are no trials.</summary>
    public static Estimate? ProportionCi(int successes, int trials)
    {
        if (trials <= 0)
        {
            return null;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        double p = (double)successes / trials, z = Z95, n = trials;
        var denominator = 1 + z * z / n;
        var centre = (p + z * z / (2 * n)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator;
        return new(p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>Pooled standard deviation of two samples.</summary>
    public static double PooledSd(Summary a, Summary b) =>
        Math.Sqrt(((a.N - 1) * a.Sd * a.Sd + (b.N - 1) * b.Sd * b.Sd) / (a.N + b.N - 2));

    /// <summary>Cohen's d = (mean a - mean b) / pooled SD.</summary>
    public static double CohensD(Summary a, Summary b) => (a.Mean - b.Mean) / PooledSd(a, b);

    /// <summary>
    /// Hedges' g of (a - b): g = J d with J = 1 - 3 / (4 (na + nb) - 9), and its variance J^2 V(d) with
    /// V(d) = (na + nb) / (na nb) + d^2 / (2 (na + nb)) (Borenstein et al., Introduction to Meta-Analysis, ch. 4);
    /// null below two values per group or with no spread.
    /// </summary>
    public static Estimate? HedgesG(Summary a, Summary b)
    {
        if (a.N < 2 || b.N < 2)
        {
            return null;
        }

        var pooled = PooledSd(a, b);
        if (pooled <= 0 || double.IsNaN(pooled))
        {
            return null;
        }

        var j = 1 - 3.0 / (4 * (a.N + b.N) - 9);
        var d = (a.Mean - b.Mean) / pooled;
        var g = j * d;
        var se = j * Math.Sqrt((double)(a.N + b.N) / (a.N * b.N) + d * d / (2.0 * (a.N + b.N)));
        return new(g, g - Z95 * se, g + Z95 * se);
    }

    /// <summary>Difference of two means with the pooled-variance t-based 95% CI.</summary>
    public static Estimate? MeanDifferenceCi(Summary a, Summary b)
    {
        if (a.N < 2 || b.N < 2)
        {
            return null;
        }

        var diff = a.Mean - b.Mean;
        var se = PooledSd(a, b) * Math.Sqrt(1.0 / a.N + 1.0 / b.N);
        var half = TCritical95(a.N + b.N - 2) * se;
        return new(diff, diff - half, diff + half);
    }

    /// <summary>Linear interpolation of y at x over points sorted by x; null outside them.</summary>
    public static double? Interpolate(IReadOnlyList<(double X, double Y)> points, double x)
    {
        if (points.Count == 0 || x < points[0].X || x > points[^1].X)
        {
            return null;
        }

        for (var i = 0; i < points.Count - 1; i++)
        {
            var (x0, y0) = points[i];
            var (x1, y1) = points[i + 1];
            if (x >= x0 && x <= x1)
            {
                return x1 == x0 ? y0 : y0 + (y1 - y0) * (x - x0) / (x1 - x0);
            }
        }

        return points[^1].Y;
    }
}
