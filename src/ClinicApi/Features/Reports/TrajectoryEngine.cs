using System.Globalization;
using System.Text;
using ClinicApi.Data;
using ClinicApi.Features.Evidence;
using ClinicApi.Features.Measurements;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Reports;

public static class Classification
{
    public const string Ahead = "ahead";
    public const string OnTrack = "on-track";
    public const string Behind = "behind";
    public const string Rebounding = "rebounding";
    public const string NotEnoughData = "not-enough-data";
}

public sealed record ObservedPoint(
    Guid MeasurementId, DateTime TakenAt, double Week, string Timepoint, double Score,
    double? Expected, double? Lower, double? Upper, double? Difference, string? Status, string? Method, IReadOnlyList<string>? EvidenceIds);

/// <summary>Within-patient change from baseline against the instrument's minimal important change (improvement is positive).</summary>
public sealed record MicStatus(
    double Points, double Relative, string? EvidenceId, string Source, double Baseline, double Latest,
    double AbsoluteImprovement, double? RelativeImprovement, bool MetPoints, bool MetRelative, bool Improved);

public sealed record ReferenceInfo(string Method, IReadOnlyList<string> EvidenceIds, string Description, double BandSds);

public sealed record TrajectoryResponse(
    Guid PatientId, Guid EpisodeId, string ArmCode, string Instrument, double EndOfTreatmentWeek, double? Baseline,
    ReferenceInfo Reference, IReadOnlyList<ObservedPoint> Observed, IReadOnlyList<ExpectedPoint> Expected,
    MicStatus? MinimalImportantChange, string Classification, string ClassificationRule, double Severity);

/// <summary>The measurements and episode a trajectory is built from (one episode, one instrument, current versions).</summary>
public sealed record TrajectoryInput(Guid PatientId, Guid EpisodeId, DateOnly StartDate, TreatmentArm Arm, IReadOnlyList<(Guid Id, DateTime TakenAt, double Score)> Measurements);

/// <summary>
/// A patient's trajectory against the reference (docs/reference-model.md): observed points in weeks since the
/// episode start, expected values with a band, the difference at each point, minimal-important-change status,
/// and a classification: ahead / on-track / behind the band at the latest point with a reference, or
/// rebounding (after the end of treatment, the latest score has risen from the best score since the end of
/// treatment by at least the minimal important change in points: a clinically important worsening, the pattern
/// the physiotherapy-alone arm shows between weeks 6 and 22). Rebounding is checked first. Pure: the same engine serves the endpoint, the SVG and the worklists.
/// </summary>
public static class TrajectoryEngine
{
    public static TrajectoryResponse Build(TrajectoryInput input, Instrument instrument, OutcomeSettings settings, EvidenceCatalogue catalogue, ClinicClock clock)
    {
        var eot = input.Arm.Weeks;
        var points = input.Measurements
            .Select(m => (m.Id, m.TakenAt, m.Score, Place: settings.Locate(input.StartDate, eot, DateOnly.FromDateTime(clock.ToLocal(m.TakenAt)))))
            .OrderBy(m => m.Place.WeeksSinceEpisodeStart).ThenBy(m => m.TakenAt).ToList();
        var baselinePoint = points.Where(p => p.Place.Timepoint == "baseline").OrderBy(p => Math.Abs(p.Place.WeeksSinceEpisodeStart!.Value)).FirstOrDefault();
        double? baseline = baselinePoint.Place is null ? null : baselinePoint.Score;
        var curve = ReferenceModel.For(input.Arm, instrument, baseline, catalogue);

        var observed = points.Select(p =>
        {
            var week = p.Place.WeeksSinceEpisodeStart!.Value;
            var expected = curve.At(week);
            string? status = expected is null ? null
                : p.Score < expected.Lower ? Classification.Ahead
                : p.Score > expected.Upper ? Classification.Behind
                : Classification.OnTrack;
            return new ObservedPoint(p.Id, p.TakenAt, week, p.Place.Timepoint, p.Score, expected?.Expected, expected?.Lower, expected?.Upper,
                expected is null ? null : Math.Round(p.Score - expected.Expected, 2), status, expected?.Method, expected?.EvidenceIds);
        }).ToList();

        var expectedCurve = Enumerable.Range(0, (int)Math.Floor(curve.LastWeek) + 1).Select(w => (double)w)
            .Append(curve.LastWeek).Distinct().Select(curve.At).OfType<ExpectedPoint>().ToList();

        MicStatus? mic = null;
        var threshold = settings.Threshold(instrument.Code);
        var followUps = observed.Where(o => baselinePoint.Place is not null && o.MeasurementId != baselinePoint.Id && o.Week > 0).ToList();
        if (threshold is { } t && baseline is { } b && followUps.Count > 0)
        {
            var latest = followUps[^1].Score;
            // The same rule as the cohort report's responders: binary noise rounded away (40.3 - 30.3 is 10 points),
            // and the relative change compared as it is, not at the three decimals it is shown with (29.97% is not 30%).
            var improvement = Math.Round(b - latest, 9);
            double? relative = b > 0 ? Math.Round(improvement / b, 3) : null;
            var metPoints = improvement >= t.Mic.Points;
            var metRelative = b > 0 && Math.Round(improvement / b, 9) >= t.Mic.Relative;
            mic = new MicStatus(t.Mic.Points, t.Mic.Relative, t.EvidenceId, t.Mic.Source, b, latest, Math.Round(improvement, 2), relative,
                metPoints, metRelative, metPoints || metRelative);
        }

        var (classification, rule, severity) = Classify(observed, followUps, eot, threshold?.Mic.Points);
        return new TrajectoryResponse(input.PatientId, input.EpisodeId, input.Arm.Code, instrument.Code, eot, baseline,
            new ReferenceInfo(curve.Method, curve.EvidenceIds, curve.Description, ReferenceModel.BandSds), observed, expectedCurve, mic,
            classification, rule, severity);
    }

    private static (string Classification, string Rule, double Severity) Classify(
        List<ObservedPoint> observed, List<ObservedPoint> followUps, double endOfTreatment, double? micPoints)
    {
        if (followUps.Count == 0)
        {
            return (Classification.NotEnoughData, "No measurement after a baseline yet.", 0);
        }

        var latest = followUps[^1];
        if (micPoints is { } points && latest.Week > endOfTreatment)
        {
            var sinceEnd = observed.Where(o => o.Week >= endOfTreatment - 1 && o.Week < latest.Week).ToList();
            if (sinceEnd.Count > 0)
            {
                var best = sinceEnd.Min(o => o.Score);
                var rise = latest.Score - best;
                if (rise >= points)
                {
                    return (Classification.Rebounding,
                        $"After the end of treatment (week {endOfTreatment}) the score rose from {best} to {latest.Score} by week {latest.Week}: " +
                        $"at least the minimal important change ({points} points).", Math.Round(rise, 2));
                }
            }
        }

        var withReference = followUps.LastOrDefault(o => o.Status is not null);
        if (withReference is null)
        {
            return (Classification.NotEnoughData, "No expected value at the observed weeks (see reference.description).", 0);
        }

        var rule = $"At week {withReference.Week} the score {withReference.Score} is " + withReference.Status switch
        {
            Classification.Ahead => $"below the band ({withReference.Lower}-{withReference.Upper}): better than expected.",
            Classification.Behind => $"above the band ({withReference.Lower}-{withReference.Upper}): worse than expected.",
            _ => $"within the band ({withReference.Lower}-{withReference.Upper}).",
        };
        var severity = withReference.Status == Classification.Behind ? Math.Round(withReference.Score - withReference.Upper!.Value, 2) : 0;
        return (withReference.Status!, rule, severity);
    }

    /// <summary>The trajectory as an SVG chart: band, expected line, observed line and points, end-of-treatment marker. No identifying data.</summary>
    public static string Svg(TrajectoryResponse t, Instrument instrument)
    {
        // Room above the plot for a two-line title and the legend, each on its own line, so that nothing overlaps
        // or is clipped whatever sans-serif font the viewer has; room on the left for the rotated axis label.
        const double width = 720, height = 428, left = 72, right = 24, top = 84, bottom = 48;
        var maxWeek = Math.Max(Math.Max(t.EndOfTreatmentWeek + 2, t.Expected.Count > 0 ? t.Expected[^1].Week : 0), t.Observed.Count > 0 ? t.Observed.Max(o => o.Week) : 0) + 1;
        var minWeek = Math.Min(0, t.Observed.Count > 0 ? t.Observed.Min(o => o.Week) : 0);
        string X(double week) => F(left + (week - minWeek) / (maxWeek - minWeek) * (width - left - right));
        string Y(double score) => F(top + (instrument.Max - score) / (instrument.Max - instrument.Min) * (height - top - bottom));
        var hasReference = t.Expected.Count > 1;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Escape(instrument.Name)}: {t.Classification}</title>");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"title\" x=\"{left}\" y=\"22\" font-size=\"15\">{Escape(instrument.Name)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"subtitle\" x=\"{left}\" y=\"42\">arm {Escape(t.ArmCode)}: {t.Classification} (reference: {t.Reference.Method})</text>");
        var legend = hasReference
            ? "expected (dashed line) with its band; observed (red)"
            : $"observed (red); no reference: {t.Reference.Description}";
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"legend\" x=\"{left}\" y=\"62\" fill=\"#3182bd\">{Escape(legend)}</text>");
        // The score axis says what it measures and which way is good: on every instrument here, lower is better.
        var yMiddle = F((top + height - bottom) / 2);
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"y-axis-label\" x=\"16\" y=\"{yMiddle}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {yMiddle})\">score (lower is better)</text>");
        // Axes, with ticks every 2 weeks and every fifth of the range.
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{left}\" y1=\"{F(height - bottom)}\" x2=\"{F(width - right)}\" y2=\"{F(height - bottom)}\" stroke=\"#333\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{F(height - bottom)}\" stroke=\"#333\"/>");
        for (var w = Math.Ceiling(minWeek / 2) * 2; w <= maxWeek; w += 2)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(w)}\" y=\"{F(height - bottom + 16)}\" text-anchor=\"middle\">{w}</text>");
        }

        for (var i = 0; i <= 5; i++)
        {
            var score = instrument.Min + i * (instrument.Max - instrument.Min) / 5;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 8}\" y=\"{Y(score)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{F(score)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F((left + width - right) / 2)}\" y=\"{F(height - 10)}\" text-anchor=\"middle\">weeks since the start of the episode</text>");
        if (hasReference)
        {
            var band = t.Expected.Select(e => $"{X(e.Week)},{Y(e.Upper)}").Concat(t.Expected.AsEnumerable().Reverse().Select(e => $"{X(e.Week)},{Y(e.Lower)}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polygon class=\"band\" points=\"{string.Join(' ', band)}\" fill=\"#9ecae1\" fill-opacity=\"0.35\" stroke=\"none\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"expected\" points=\"{string.Join(' ', t.Expected.Select(e => $"{X(e.Week)},{Y(e.Expected)}"))}\" fill=\"none\" stroke=\"#3182bd\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"end-of-treatment\" x1=\"{X(t.EndOfTreatmentWeek)}\" y1=\"{top}\" x2=\"{X(t.EndOfTreatmentWeek)}\" y2=\"{F(height - bottom)}\" stroke=\"#888\" stroke-dasharray=\"2 3\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"end-of-treatment-label\" x=\"{X(t.EndOfTreatmentWeek)}\" y=\"{top - 4}\" text-anchor=\"middle\" fill=\"#555\" font-size=\"11\">end of treatment</text>");
        if (t.Observed.Count > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"observed\" points=\"{string.Join(' ', t.Observed.Select(o => $"{X(o.Week)},{Y(o.Score)}"))}\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>");
            foreach (var o in t.Observed)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"observed-point\" cx=\"{X(o.Week)}\" cy=\"{Y(o.Score)}\" r=\"4\" fill=\"#d62728\"><title>week {F(o.Week)}: {F(o.Score)}</title></circle>");
            }
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => System.Security.SecurityElement.Escape(text) ?? string.Empty;
}
