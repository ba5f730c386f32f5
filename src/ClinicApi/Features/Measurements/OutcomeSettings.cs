using ClinicApi.Features.Evidence;
using ClinicApi.Outcomes;
using Microsoft.Extensions.Options;

namespace ClinicApi.Features.Measurements;

/// <summary>
/// A protocol timepoint and its tolerance window, in weeks since the episode's start. The end-of-treatment
/// target is the arm's own protocol length; the others are fixed weeks.
/// </summary>
public sealed class TimepointWindow
{
    public string Code { get; set; } = string.Empty;

    /// <summary>Target week; ignored when <see cref="EndOfTreatment"/> is set.</summary>
    public double Week { get; set; }

    /// <summary>The target is the arm's last protocol week.</summary>
    public bool EndOfTreatment { get; set; }

    public double WeeksBefore { get; set; }

    public double WeeksAfter { get; set; }
}

/// <summary>An instrument's within-patient minimal important change: points, or relative to baseline.</summary>
public sealed class MinimalImportantChange
{
    public double Points { get; set; }

    public double Relative { get; set; }

    public string Source { get; set; } = string.Empty;
}

/// <summary>Section <c>Outcomes</c>: timepoint windows, follow-up instruments, minimal important change overrides.</summary>
public sealed class OutcomesOptions
{
    public const string Section = "Outcomes";

    /// <summary>Checked in order; the first window a measurement falls in names its timepoint. Empty: the defaults.</summary>
    public List<TimepointWindow> Timepoints { get; set; } = [];

    /// <summary>Instruments the due/overdue list expects at every timepoint.</summary>
    public List<string> FollowUpInstruments { get; set; } = [];

    /// <summary>Episodes that ended this many weeks ago or less still appear in the due/overdue list.</summary>
    public int FollowUpWeeksAfterEnd { get; set; } = 56;

    /// <summary>Per instrument code; replaces the evidence catalogue's threshold (e.g. a clinic that uses another source).</summary>
    public Dictionary<string, MinimalImportantChange> MinimalImportantChange { get; set; } = [];

    public static readonly IReadOnlyList<TimepointWindow> DefaultTimepoints =
    [
        new() { Code = "baseline", Week = 0, WeeksBefore = 2, WeeksAfter = 1 },
        new() { Code = "end-of-treatment", EndOfTreatment = true, WeeksBefore = 1, WeeksAfter = 2 },
        new() { Code = "week-10", Week = 10, WeeksBefore = 1.5, WeeksAfter = 2 },
        new() { Code = "week-22", Week = 22, WeeksBefore = 3, WeeksAfter = 2 },
        new() { Code = "6-months", Week = 26, WeeksBefore = 2, WeeksAfter = 4 },
        new() { Code = "12-months", Week = 52, WeeksBefore = 4, WeeksAfter = 8 },
    ];

    public static readonly IReadOnlyList<string> DefaultFollowUpInstruments = [Instruments.PainNrs, Instruments.Odi];
}

/// <summary>A measurement's place in the protocol.</summary>
public sealed record TimepointInfo(double? WeeksSinceEpisodeStart, string Timepoint);

/// <summary>The resolved outcome settings: windows and thresholds, validated once at start.</summary>
public sealed class OutcomeSettings
{
    public const string Unscheduled = "unscheduled";

    public OutcomeSettings(IOptions<OutcomesOptions> options, EvidenceCatalogue catalogue)
    {
        var value = options.Value;
        Timepoints = value.Timepoints.Count > 0 ? value.Timepoints : OutcomesOptions.DefaultTimepoints;
        FollowUpInstruments = value.FollowUpInstruments.Count > 0 ? value.FollowUpInstruments : OutcomesOptions.DefaultFollowUpInstruments;
        FollowUpWeeksAfterEnd = value.FollowUpWeeksAfterEnd;
        var thresholds = new Dictionary<string, (MinimalImportantChange Mic, string? EvidenceId)>();
        foreach (var instrument in Instruments.All)
        {
            if (value.MinimalImportantChange.TryGetValue(instrument.Code, out var configured))
            {
                thresholds[instrument.Code] = (configured, null);
            }
            else if (catalogue.Thresholds.FirstOrDefault(t => t.Id == instrument.ThresholdEvidenceId) is { } threshold)
            {
                thresholds[instrument.Code] = (new MinimalImportantChange
                {
                    Points = threshold.Points,
                    Relative = threshold.Relative,
                    Source = catalogue.Source(threshold.Source).Citation,
                }, threshold.Id);
            }
        }

        _thresholds = thresholds;
        var errors = Validate().Concat(value.MinimalImportantChange.Keys.Where(k => Instruments.Find(k) is null)
            .Select(k => $"Outcomes:MinimalImportantChange: unknown instrument '{k}'.")).ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(OutcomesOptions.Section, typeof(OutcomesOptions), errors);
        }
    }

    private readonly Dictionary<string, (MinimalImportantChange Mic, string? EvidenceId)> _thresholds;

    public IReadOnlyList<TimepointWindow> Timepoints { get; }

    public IReadOnlyList<string> FollowUpInstruments { get; }

    public int FollowUpWeeksAfterEnd { get; }

    /// <summary>The instrument's threshold and the evidence entry it came from (null when configured locally).</summary>
    public (MinimalImportantChange Mic, string? EvidenceId)? Threshold(string instrument) =>
        _thresholds.TryGetValue(instrument, out var t) ? t : null;

    public static double Target(TimepointWindow window, int protocolWeeks) => window.EndOfTreatment ? protocolWeeks : window.Week;

    /// <summary>Weeks since the start (one decimal) and the first window that holds them, or unscheduled.</summary>
    public TimepointInfo Locate(DateOnly episodeStart, int protocolWeeks, DateOnly takenOn)
    {
        var weeks = Math.Round((takenOn.DayNumber - episodeStart.DayNumber) / 7.0, 1);
        var window = Timepoints.FirstOrDefault(w =>
            weeks >= Target(w, protocolWeeks) - w.WeeksBefore && weeks <= Target(w, protocolWeeks) + w.WeeksAfter);
        return new(weeks, window?.Code ?? Unscheduled);
    }

    private IEnumerable<string> Validate()
    {
        foreach (var window in Timepoints)
        {
            if (string.IsNullOrWhiteSpace(window.Code) || window.Code == Unscheduled)
            {
                yield return $"Outcomes:Timepoints: '{window.Code}' is not a usable timepoint code.";
            }

            if (window.WeeksBefore < 0 || window.WeeksAfter < 0)
            {
                yield return $"Outcomes:Timepoints:{window.Code}: tolerances cannot be negative.";
            }
        }

        if (Timepoints.Select(t => t.Code).Distinct().Count() != Timepoints.Count)
        {
            yield return "Outcomes:Timepoints: codes must be different.";
        }

        foreach (var code in FollowUpInstruments.Where(c => Instruments.Find(c) is null))
        {
            yield return $"Outcomes:FollowUpInstruments: unknown instrument '{code}'.";
        }

        foreach (var (code, mic) in _thresholds)
        {
            if (mic.Mic.Points < 0 || mic.Mic.Relative is < 0 or > 1)
            {
                yield return $"Outcomes:MinimalImportantChange:{code}: points >= 0 and relative 0-1.";
            }
        }
    }
}

public static class OutcomeSettingsSetup
{
    /// <summary>The <c>Outcomes</c> section, checked once when the settings are built (see <see cref="OutcomeSettings"/>).</summary>
    public static IServiceCollection AddClinicOutcomes(this IServiceCollection services)
    {
        services.AddOptions<OutcomesOptions>().BindConfiguration(OutcomesOptions.Section);
        services.AddSingleton<OutcomeSettings>();
        return services;
    }
}
