using ClinicApi.Features.Arms;
using ClinicApi.Features.Evidence;
using ClinicApi.Features.Measurements;
using ClinicApi.Outcomes;

namespace ClinicApi.Features.Reports;

/// <summary>One episode as the cohort report reads it: its arm, protocol, therapist, and current scores of one instrument.</summary>
public sealed record CohortEpisode(
    Guid Id, Guid ArmId, string ArmCode, IReadOnlyList<string> ArmEvidenceIds, int ProtocolWeeks, int PlannedSessions, Guid TherapistId,
    DateOnly StartDate, int Attended, IReadOnlyList<(DateTime TakenAt, double Score)> Scores);

/// <summary>
/// One arm at one timepoint. <c>insufficientData</c>: fewer than <see cref="CohortEngine.MinimumNPerArm"/> measured
/// episodes, so the estimates of this row are printed but are not a basis for a judgement. The baseline and
/// follow-up means and SDs are those of the same n episodes (measured at both), as a trial's table shows them.
/// </summary>
public sealed record ArmWindowSummary(
    string Timepoint, int Eligible, int N, double? BaselineMean, double? BaselineSd, double? FollowUpMean, double? FollowUpSd, Estimate? MeanChange, double? ChangeSd,
    int Responders, Estimate? ResponderRate, string? ResponderThresholdEvidenceId, int Missing, double? MissingShare, bool InsufficientData);

public sealed record ArmSummary(Guid ArmId, string ArmCode, int Episodes, double? SessionAdherence, IReadOnlyList<ArmWindowSummary> Windows);

/// <summary>A published figure exactly as the catalogue holds it (estimate in the positive-is-benefit convention).</summary>
public sealed record PublishedFigure(string EvidenceId, string Measure, string Window, double Estimate, double CiLower, double CiUpper,
    double PublishedEstimate, double PublishedCiLower, double PublishedCiUpper, string Certainty, string Citation);

/// <summary>
/// The clinic's effect of an arm against physiotherapy alone beside a published one. <c>clinicMeasure</c> names what
/// the clinic's figure is (<c>hedges-g</c>, or <c>mean-difference-nrs</c>); <c>measure</c> what the published one is,
/// as published (<c>smd</c>, <c>cohens-d</c>, <c>mean-difference-nrs</c>; <c>hedges-g</c> when nothing is published).
/// <c>difference</c> is the clinic's estimate minus the published one with its 95% CI, the input of the verdict.
/// </summary>
public sealed record ArmComparison(
    string ArmCode, string ComparatorArmCode, string Timepoint, int N, int ComparatorN, string Measure, string ClinicMeasure, Estimate? Clinic,
    PublishedFigure? Published, Estimate? Difference, bool InsufficientData, string Verdict, string VerdictRule);

/// <summary>
/// Per arm and timepoint: change from baseline, responders (minimal important change), missing follow-ups,
/// session adherence; between arms: the clinic's own effect against physiotherapy alone beside the published
/// one, with a verdict. One pass over rows already read; no query per patient.
/// </summary>
public static class CohortEngine
{
    public const int MinimumNPerArm = 10;
    public const string Baseline = "baseline";

    public sealed record Scored(CohortEpisode Episode, double? Baseline, TimepointScores ByTimepoint);

    /// <summary>
    /// An episode's placed score per timepoint window: one small array indexed like the configured windows, not a
    /// dictionary per episode (a report over 10,000 episodes allocated 20,000 of those).
    /// </summary>
    public sealed class TimepointScores(IReadOnlyList<TimepointWindow> windows, double[] scores)
    {
        public bool TryGetValue(string code, out double score)
        {
            for (var i = 0; i < windows.Count; i++)
            {
                if (windows[i].Code == code && !double.IsNaN(scores[i]))
                {
                    score = scores[i];
                    return true;
                }
            }

            score = 0;
            return false;
        }

        public bool ContainsKey(string code) => TryGetValue(code, out _);

        public double this[string code] => TryGetValue(code, out var score) ? score : throw new KeyNotFoundException(code);
    }

    public static List<Scored> Place(IEnumerable<CohortEpisode> episodes, OutcomeSettings settings, Func<DateTime, DateOnly> localDate)
    {
        var windows = settings.Timepoints;
        var baselineIndex = -1;
        for (var i = 0; i < windows.Count; i++)
        {
            baselineIndex = windows[i].Code == Baseline ? i : baselineIndex;
        }

        var result = new List<Scored>();
        var distances = new double[windows.Count];
        var taken = new DateTime[windows.Count];
        foreach (var episode in episodes)
        {
            // The score nearest each timepoint's target, among those that fall in its window; of two equally near,
            // the earlier (as the trajectory's baseline), so the report does not depend on the order rows are read in.
            var scores = new double[windows.Count];
            Array.Fill(scores, double.NaN);
            Array.Fill(distances, double.MaxValue);
            foreach (var (takenAt, score) in episode.Scores)
            {
                var place = settings.Locate(episode.StartDate, episode.ProtocolWeeks, localDate(takenAt));
                for (var i = 0; i < windows.Count; i++)
                {
                    if (windows[i].Code != place.Timepoint)
                    {
                        continue;
                    }

                    var distance = Math.Abs(place.WeeksSinceEpisodeStart!.Value - OutcomeSettings.Target(windows[i], episode.ProtocolWeeks));
                    if (distance < distances[i] || (distance == distances[i] && takenAt < taken[i]))
                    {
                        distances[i] = distance;
                        scores[i] = score;
                        taken[i] = takenAt;
                    }

                    break;
                }
            }

            double? baseline = baselineIndex >= 0 && !double.IsNaN(scores[baselineIndex]) ? scores[baselineIndex] : null;
            result.Add(new Scored(episode, baseline, new TimepointScores(windows, scores)));
        }

        return result;
    }

    public static ArmSummary Summarise(Guid armId, string armCode, IReadOnlyList<Scored> episodes, Instrument instrument, OutcomeSettings settings, DateOnly today)
    {
        var threshold = settings.Threshold(instrument.Code);
        var windows = new List<ArmWindowSummary>();
        foreach (var window in settings.Timepoints.Where(w => w.Code != Baseline))
        {
            var eligible = 0;
            var missing = 0;
            var baselines = new List<double>();
            var followUps = new List<double>();
            var changes = new List<double>();
            var responders = 0;
            foreach (var e in episodes)
            {
                var has = e.ByTimepoint.TryGetValue(window.Code, out var value);
                var closes = e.Episode.StartDate.AddDays((int)Math.Round((OutcomeSettings.Target(window, e.Episode.ProtocolWeeks) + window.WeeksAfter) * 7));
                if (!has && closes >= today)
                {
                    continue;
                }

                eligible++;
                if (!has)
                {
                    missing++;
                    continue;
                }

                if (e.Baseline is not { } baseline)
                {
                    continue;
                }

                baselines.Add(baseline);
                followUps.Add(value);
                changes.Add(value - baseline);
                // Decimal scores carry binary noise (40.3 - 30.3 = 9.999999999999996): rounded away far below any
                // instrument's precision, so a change of exactly the threshold meets it, in points or relative.
                var improvement = Math.Round(baseline - value, 9);
                if (threshold is { } t && (improvement >= t.Mic.Points || (baseline > 0 && Math.Round(improvement / baseline, 9) >= t.Mic.Relative)))
                {
                    responders++;
                }
            }

            var changeSummary = Summary.Of(changes);
            var baselineSummary = Summary.Of(baselines);
            var followUpSummary = Summary.Of(followUps);
            windows.Add(new ArmWindowSummary(
                window.Code, eligible, changes.Count, baselines.Count > 0 ? Math.Round(baselines.Average(), 3) : null,
                changes.Count > 1 ? Math.Round(baselineSummary.Sd, 3) : null,
                followUps.Count > 0 ? Math.Round(followUpSummary.Mean, 3) : null, changes.Count > 1 ? Math.Round(followUpSummary.Sd, 3) : null,
                Round(Statistics.MeanCi(changes)), changes.Count > 1 ? Math.Round(changeSummary.Sd, 3) : null,
                responders, threshold is null ? null : Round(Statistics.ProportionCi(responders, changes.Count)), threshold?.EvidenceId,
                missing, eligible > 0 ? Math.Round((double)missing / eligible, 3) : null, changes.Count < MinimumNPerArm));
        }

        var planned = episodes.Where(e => e.Episode.PlannedSessions > 0).ToList();
        double? adherence = planned.Count > 0 ? Math.Round(planned.Average(e => Math.Min(1.0, (double)e.Episode.Attended / e.Episode.PlannedSessions)), 3) : null;
        return new ArmSummary(armId, armCode, episodes.Count, adherence, windows);
    }

    /// <summary>Every arm against physiotherapy alone at every follow-up timepoint, beside each matching published figure.</summary>
    public static List<ArmComparison> Compare(IReadOnlyList<Scored> episodes, Instrument instrument, OutcomeSettings settings, EvidenceCatalogue catalogue)
    {
        var comparisons = new List<ArmComparison>();
        var comparator = episodes.Where(e => e.Episode.ArmId == ArmCatalogue.PhysiotherapyId).ToList();
        var outcomes = ReferenceModel.OutcomesOf(instrument.Code);
        foreach (var arm in episodes.Where(e => e.Episode.ArmId != ArmCatalogue.PhysiotherapyId).GroupBy(e => e.Episode.ArmId).OrderBy(g => g.First().Episode.ArmCode, StringComparer.Ordinal))
        {
            var first = arm.First().Episode;
            var cited = first.ArmEvidenceIds.ToHashSet();
            foreach (var window in settings.Timepoints.Where(w => w.Code != Baseline))
            {
                var target = OutcomeSettings.Target(window, first.ProtocolWeeks);
                var armScores = Summary.Of(arm.Where(e => e.ByTimepoint.ContainsKey(window.Code)).Select(e => e.ByTimepoint[window.Code]).ToList());
                var comparatorScores = Summary.Of(comparator.Where(e => e.ByTimepoint.ContainsKey(window.Code)).Select(e => e.ByTimepoint[window.Code]).ToList());
                var published = catalogue.Effects
                    .Where(e => cited.Contains(e.Id) && outcomes.Contains(e.Outcome) && ReferenceModel.Covers(e, target, first.ProtocolWeeks) &&
                                (ReferenceModel.IsStandardised(e) || (e.Measure == "mean-difference-nrs" && instrument.Code == Instruments.PainNrs)))
                    .OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
                if (published.Count == 0)
                {
                    // Lower scores are better: comparator minus arm is positive when the arm does better.
                    comparisons.Add(Verdict(first.ArmCode, window.Code, armScores, comparatorScores, HedgesG, HedgesG, Round(Statistics.HedgesG(comparatorScores, armScores)), null,
                        cited.Count == 0
                            ? "The arm cites no published effect: the evidence behind it reports no effect size that can be compared (its description in GET /arms says why)."
                            : "The evidence catalogue has no effect for this arm, outcome and window."));
                    continue;
                }

                foreach (var effect in published)
                {
                    var standardised = ReferenceModel.IsStandardised(effect);
                    var clinic = standardised
                        ? Statistics.HedgesG(comparatorScores, armScores)
                        : Statistics.MeanDifferenceCi(comparatorScores, armScores);
                    var figure = new PublishedFigure(effect.Id, effect.Measure, effect.Window, effect.Estimate, effect.CiLower, effect.CiUpper,
                        effect.PublishedEstimate, effect.PublishedCiLower, effect.PublishedCiUpper, effect.Certainty, catalogue.Source(effect.Source).Citation);
                    comparisons.Add(Verdict(first.ArmCode, window.Code, armScores, comparatorScores, effect.Measure, standardised ? HedgesG : effect.Measure, Round(clinic), figure));
                }
            }
        }

        return comparisons;
    }

    /// <summary>What the clinic's standardised figures are: Hedges' g (Cohen's d with the small-sample correction).</summary>
    public const string HedgesG = "hedges-g";

    /// <summary>The two-sided 95% normal quantile.</summary>
    private const double Z95 = 1.959963984540054;

    /// <summary>
    /// The verdict: the difference between the clinic's estimate and the published one, with a 95% CI whose standard
    /// error combines both (each read off its own 95% CI as width / (2 x 1.96)). <b>below</b> when the whole CI of
    /// the difference lies under zero (the clinic's effect is credibly smaller), <b>above</b> when it lies over
    /// zero, <b>consistent</b> otherwise. Overlapping CIs are not the rule: two estimates can overlap and still
    /// differ credibly.
    /// </summary>
    public static (Estimate Difference, string Verdict) CompareWithPublished(Estimate clinic, double published, double publishedLower, double publishedUpper)
    {
        var seClinic = (clinic.Upper - clinic.Lower) / (2 * Z95);
        var sePublished = (publishedUpper - publishedLower) / (2 * Z95);
        var difference = clinic.Value - published;
        var margin = Z95 * Math.Sqrt((seClinic * seClinic) + (sePublished * sePublished));
        var ci = new Estimate(difference, difference - margin, difference + margin);
        return (ci, ci.Upper < 0 ? "below" : ci.Lower > 0 ? "above" : "consistent");
    }

    private static ArmComparison Verdict(
        string armCode, string timepoint, Summary arm, Summary comparator, string measure, string clinicMeasure, Estimate? clinic, PublishedFigure? published,
        string? noEffectReason = null)
    {
        const string comparatorCode = "physio";
        var insufficient = arm.N < MinimumNPerArm || comparator.N < MinimumNPerArm;
        if (insufficient || clinic is null)
        {
            return new(armCode, comparatorCode, timepoint, arm.N, comparator.N, measure, clinicMeasure, clinic, published, null, true, "not-enough-data",
                $"Needs at least {MinimumNPerArm} measured episodes in each arm at this timepoint (has {arm.N} and {comparator.N}).");
        }

        if (published is null)
        {
            return new(armCode, comparatorCode, timepoint, arm.N, comparator.N, measure, clinicMeasure, clinic, null, null, false, "no-published-effect",
                noEffectReason ?? "The evidence catalogue has no effect for this arm, outcome and window.");
        }

        var (difference, verdict) = CompareWithPublished(clinic, published.Estimate, published.CiLower, published.CiUpper);
        var rounded = Round(difference)!;
        var rule = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Clinic minus published = {rounded.Value} (95% CI {rounded.Lower} to {rounded.Upper}; standard errors from each 95% CI, combined): " +
            $"below when the whole CI is under 0, above when over 0, consistent otherwise.");
        return new(armCode, comparatorCode, timepoint, arm.N, comparator.N, measure, clinicMeasure, clinic, published, rounded, false, verdict, rule);
    }

    private static Estimate? Round(Estimate? e) => e is null ? null : new(Math.Round(e.Value, 3), Math.Round(e.Lower, 3), Math.Round(e.Upper, 3));
}
