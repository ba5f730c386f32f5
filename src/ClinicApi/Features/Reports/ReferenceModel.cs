using ClinicApi.Data;
using ClinicApi.Features.Evidence;
using ClinicApi.Outcomes;

namespace ClinicApi.Features.Reports;

/// <summary>One expected value of the reference trajectory, with the band around it and what produced it.</summary>
public sealed record ExpectedPoint(double Week, double Expected, double Lower, double Upper, string Method, IReadOnlyList<string> EvidenceIds);

/// <summary>The expected trajectory for one arm, instrument and patient baseline; <see cref="At"/> is null where the evidence says nothing.</summary>
public sealed class ReferenceCurve
{
    public const string Published = "published-trajectory";
    public const string Derived = "derived";
    public const string None = "none";

    private readonly Func<double, ExpectedPoint?> _at;

    public ReferenceCurve(string method, IReadOnlyList<string> evidenceIds, string description, double lastWeek, Func<double, ExpectedPoint?> at)
    {
        Method = method;
        EvidenceIds = evidenceIds;
        Description = description;
        LastWeek = lastWeek;
        _at = at;
    }

    public string Method { get; }

    public IReadOnlyList<string> EvidenceIds { get; }

    public string Description { get; }

    /// <summary>The last week the evidence reaches; nothing is extrapolated past it.</summary>
    public double LastWeek { get; }

    public ExpectedPoint? At(double week) => _at(week);

    public static ReferenceCurve Unavailable(string reason) => new(None, [], reason, 0, _ => null);
}

/// <summary>
/// The explicit reference model (docs/reference-model.md). Where the arm cites a published trajectory for the
/// instrument, it is used scaled to the patient's own baseline (ratio of baseline to the trial's week-0 mean).
/// Where the arm only cites a standardised effect against physiotherapy alone, the curve is the
/// physiotherapy-alone trajectory (scaled the same way) shifted by effect x reference SD at that week, clamped
/// to the instrument's range, and labelled derived; during treatment the effect ramps linearly from 0 at week 0
/// to its end-of-treatment value; outside every window the evidence covers there is no expected value.
/// The band is the expected value +/- half a (scaled) reference SD.
/// </summary>
public static class ReferenceModel
{
    public const double BandSds = 0.5;
    public const string PhysiotherapyAloneArm = "physiotherapy alone";

    /// <summary>The outcome domains of the evidence an instrument can be compared with.</summary>
    public static IReadOnlyList<string> OutcomesOf(string instrument) => instrument switch
    {
        Instruments.PainNrs => ["pain-intensity"],
        Instruments.Odi or Instruments.Rmdq => ["physical-function", "disability"],
        _ => [],
    };

    /// <summary>Standardised measures, comparable with the clinic's own Hedges' g.</summary>
    public static bool IsStandardised(EvidenceEffect effect) => effect.Measure is "smd" or "cohens-d";

    /// <summary>
    /// Weeks since the start of treatment that a source's window covers. Ho 2022 counts from the end of treatment
    /// (post-intervention: up to 2 months after it; short term 2-6 months; mid term 6-12; long term 12+);
    /// Bemani 2023 names weeks since the start; Fleckenstein 2022 gives about 12 weeks and about 1 year.
    /// </summary>
    public static (double From, double To)? WindowWeeks(string source, string window, double endOfTreatmentWeek) => (source, window) switch
    {
        ("ho2022", "post-intervention") => (endOfTreatmentWeek, endOfTreatmentWeek + 8.7),
        ("ho2022", "short-term") => (endOfTreatmentWeek + 8.7, endOfTreatmentWeek + 26.1),
        ("ho2022", "mid-term") => (endOfTreatmentWeek + 26.1, endOfTreatmentWeek + 52.2),
        ("ho2022", "long-term") => (endOfTreatmentWeek + 52.2, double.PositiveInfinity),
        ("bemani2023", "week-6") => (6, 6),
        ("bemani2023", "week-10") => (10, 10),
        ("bemani2023", "week-22") => (22, 22),
        ("fleckenstein2022", "short-term") => (8, 16),
        ("fleckenstein2022", "long-term") => (40, 64),
        _ => null,
    };

    public static bool Covers(EvidenceEffect effect, double week, double endOfTreatmentWeek) =>
        WindowWeeks(effect.Source, effect.Window, endOfTreatmentWeek) is { } w && week >= w.From && week <= w.To;

    public static ReferenceCurve For(TreatmentArm arm, Instrument instrument, double? patientBaseline, EvidenceCatalogue catalogue)
    {
        if (patientBaseline is not { } baseline)
        {
            return ReferenceCurve.Unavailable("No baseline measurement: the reference is scaled to the patient's own baseline.");
        }

        var cited = arm.EvidenceIds.ToHashSet();
        var own = catalogue.Trajectories.FirstOrDefault(t => cited.Contains(t.Id) && t.Instrument == instrument.Code);
        if (own is not null)
        {
            return Scaled(own, baseline, instrument, ReferenceCurve.Published, [own.Id], _ => 0, null,
                $"Published trajectory {own.Id} ({catalogue.Source(own.Source).Citation}, n={own.N}) scaled to the patient's baseline.");
        }

        var physio = catalogue.Trajectories.FirstOrDefault(t => t.Arm == PhysiotherapyAloneArm && t.Instrument == instrument.Code);
        var outcomes = OutcomesOf(instrument.Code);
        var end = physio?.EndOfTreatmentWeek ?? 0;
        var effects = catalogue.Effects
            .Where(e => cited.Contains(e.Id) && IsStandardised(e) && outcomes.Contains(e.Outcome) && WindowWeeks(e.Source, e.Window, end) is not null)
            .ToList();
        if (physio is null || effects.Count == 0)
        {
            return ReferenceCurve.Unavailable(physio is null
                ? $"No published physiotherapy-alone trajectory for {instrument.Code}: nothing to derive a reference from."
                : $"Arm {arm.Code} cites no standardised effect on {string.Join(" or ", outcomes)} against physiotherapy alone.");
        }

        var firstStart = effects.Min(e => WindowWeeks(e.Source, e.Window, end)!.Value.From);
        EvidenceEffect? EffectAt(double week) => effects.Where(e => Covers(e, week, end)).OrderBy(e => e.Id, StringComparer.Ordinal).FirstOrDefault();

        double? Shift(double week)
        {
            if (EffectAt(week) is { } effect)
            {
                return effect.Estimate;
            }

            // Before the first window the evidence covers (during treatment), ramp from no difference at the start.
            return week >= 0 && week < firstStart && EffectAt(firstStart) is { } first ? first.Estimate * week / firstStart : null;
        }

        string[] Ids(double week) => [physio.Id, .. (EffectAt(week) ?? EffectAt(firstStart)) is { } e ? [e.Id] : Array.Empty<string>()];

        return Scaled(physio, baseline, instrument, ReferenceCurve.Derived, [physio.Id, .. effects.Select(e => e.Id)], Shift, Ids,
            $"Derived: physiotherapy-alone trajectory {physio.Id} scaled to the patient's baseline, shifted by the arm's standardised " +
            $"effect x the reference SD at that week ({string.Join(", ", effects.Select(e => e.Id))}), ramped from 0 at week 0 to week {firstStart:0.#}, clamped to {instrument.Min}-{instrument.Max}.");
    }

    private static ReferenceCurve Scaled(
        EvidenceTrajectory trajectory, double baseline, Instrument instrument, string method, IReadOnlyList<string> evidenceIds,
        Func<double, double?> effectAt, Func<double, string[]>? idsAt, string description)
    {
        var means = trajectory.Points.Select(p => (p.Week, p.Mean)).ToList();
        var sds = trajectory.Points.Select(p => (p.Week, p.Sd)).ToList();
        var scale = trajectory.Points[0].Mean > 0 ? baseline / trajectory.Points[0].Mean : 1;
        var last = trajectory.Points[^1].Week;
        return new ReferenceCurve(method, evidenceIds, description, last, week =>
        {
            var w = Math.Max(week, trajectory.Points[0].Week);
            if (Statistics.Interpolate(means, w) is not { } mean || Statistics.Interpolate(sds, w) is not { } sd || effectAt(w) is not { } effect)
            {
                return null;
            }

            var scaledSd = sd * scale;
            // Lower is better on every instrument here: a benefit moves the expected score down.
            var expected = Clamp(mean * scale - effect * scaledSd, instrument);
            return new ExpectedPoint(Math.Round(week, 1), Round(expected), Round(Clamp(expected - BandSds * scaledSd, instrument)),
                Round(Clamp(expected + BandSds * scaledSd, instrument)), method, idsAt?.Invoke(w) ?? evidenceIds);
        });
    }

    private static double Clamp(double value, Instrument instrument) => Math.Clamp(value, instrument.Min, instrument.Max);

    private static double Round(double value) => Math.Round(value, 2);
}
