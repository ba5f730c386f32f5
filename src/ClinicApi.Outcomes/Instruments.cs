namespace ClinicApi.Outcomes;

/// <summary>How an instrument's item answers become its total.</summary>
public enum ScoringRule
{
    /// <summary>One item, or the total entered directly (pain NRS).</summary>
    SingleItem,

    /// <summary>Sum of the items (RMDQ, PCS).</summary>
    Sum,

    /// <summary>Oswestry: sum / (5 x answered sections) x 100; sections may be skipped.</summary>
    OdiPercent,

    /// <summary>Sum after reverse-scoring some items (TSK-17: 5 - answer).</summary>
    SumWithReversedItems,

    /// <summary>Keele STarT Back: total and distress subscale, risk group.</summary>
    StartBack,
}

/// <summary>
/// An outcome instrument: its range, what better means, how items are scored. Figures from
/// ../shared/evidence/published-effects.md sections 4-6. Minimal important change thresholds live in the
/// evidence catalogue (by <see cref="ThresholdEvidenceId"/>) and can be overridden in configuration.
/// </summary>
public sealed record Instrument(
    string Code,
    string Name,
    string Domain,
    double Min,
    double Max,
    bool LowerIsBetter,
    bool WholeNumberTotal,
    string? Loinc,
    string LoincNote,
    int ItemCount,
    int ItemMin,
    int ItemMax,
    int MaxSkippedItems,
    IReadOnlyList<int> ReversedItems,
    ScoringRule Rule,
    string RuleDescription,
    string? ThresholdEvidenceId,
    string Source);

/// <summary>A scored measurement: total, subscale where the instrument has one, and an interpretation where it has one.</summary>
public sealed record InstrumentScore(double Total, double? Subscore, string? Interpretation);

public static class Instruments
{
    public const string PainNrs = "pain-nrs";
    public const string Odi = "odi";
    public const string Rmdq = "rmdq";
    public const string Pcs = "pcs";
    public const string Tsk17 = "tsk-17";
    public const string StartBackCode = "start-back";

    /// <summary>TSK-17: above this total, kinesiophobia is usually called high.</summary>
    public const int TskHighCutOff = 37;

    public static readonly IReadOnlyList<Instrument> All =
    [
        new(PainNrs, "Pain intensity, numeric rating scale", "pain-intensity", 0, 10, true, true, "72514-3",
            "LOINC 72514-3: pain severity 0-10 verbal numeric rating.", 1, 0, 10, 0, [], ScoringRule.SingleItem,
            "One answer 0-10, or the total entered directly.", "ostelo2008-mic-pain-nrs", "Ostelo et al. 2008"),
        new(Odi, "Oswestry Disability Index", "disability", 0, 100, true, false, null,
            "LOINC 97908-8 is cited for the ODI but not verified here: not used until it is.", 10, 0, 5, 1, [], ScoringRule.OdiPercent,
            "10 sections scored 0-5; score = sum / (5 x answered sections) x 100, one decimal; at most one section may be skipped.",
            "ostelo2008-mic-odi", "Fairbank & Pynsent 2000; published-effects.md section 6"),
        new(Rmdq, "Roland-Morris Disability Questionnaire", "disability", 0, 24, true, true, null,
            "No LOINC code confirmed for the RMDQ.", 24, 0, 1, 0, [], ScoringRule.Sum,
            "24 yes (1) / no (0) items; score = number of yes.", "ostelo2008-mic-rmdq", "Roland & Morris 1983; published-effects.md section 6"),
        new(Pcs, "Pain Catastrophizing Scale", "catastrophizing", 0, 52, true, true, null,
            "No LOINC code confirmed here.", 13, 0, 4, 0, [], ScoringRule.Sum,
            "13 items 0-4; total = sum (0-52).", null, "Sullivan et al. 1995; published-effects.md section 6"),
        new(Tsk17, "Tampa Scale of Kinesiophobia (TSK-17)", "kinesiophobia", 17, 68, true, true, null,
            "No LOINC code confirmed here.", 17, 1, 4, 0, [4, 8, 12, 16], ScoringRule.SumWithReversedItems,
            "17 items 1-4; items 4, 8, 12 and 16 reverse-scored (5 - answer); total 17-68; above 37 is high kinesiophobia.",
            null, "Miller, Kori & Todd 1991; published-effects.md section 6"),
        new(StartBackCode, "Keele STarT Back Screening Tool", "screening", 0, 9, true, true, null,
            "No LOINC code confirmed here.", StartBack.ItemCount, 0, StartBack.BothersomenessMax, 0, [], ScoringRule.StartBack,
            "Items 1-8 agree (1) / disagree (0); item 9 (0-4) counts 1 for 'very much' or 'extremely'. Total 0-9, distress subscale items 5-9. " +
            "0-3 low; 4-9 medium unless distress 4-5: high.", null, "Hill et al. 2008"),
    ];

    public static Instrument? Find(string? code) => All.FirstOrDefault(i => i.Code == code);

    /// <summary>Every instrument code, in catalogue order: what an <c>instrument</c> field accepts.</summary>
    public static IReadOnlyList<string> Codes { get; } = [.. All.Select(i => i.Code)];

    /// <summary>Null when the answers are well formed for the instrument; otherwise what is wrong with them.</summary>
    public static string? ItemsProblem(Instrument instrument, IReadOnlyList<int?> items)
    {
        if (items.Count != instrument.ItemCount)
        {
            return $"{instrument.Code} takes exactly {instrument.ItemCount} item answers; {items.Count} were sent.";
        }

        if (instrument.Rule == ScoringRule.StartBack)
        {
            return items.Any(i => i is null) ? "start-back items cannot be skipped." : StartBack.Problem(items.Select(i => i!.Value).ToList());
        }

        var skipped = items.Count(i => i is null);
        if (skipped > instrument.MaxSkippedItems)
        {
            return instrument.MaxSkippedItems == 0
                ? $"{instrument.Code} items cannot be skipped."
                : $"{instrument.Code} allows at most {instrument.MaxSkippedItems} skipped item(s); {skipped} were skipped.";
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is { } answer && (answer < instrument.ItemMin || answer > instrument.ItemMax))
            {
                return $"item {i + 1} must be {instrument.ItemMin} to {instrument.ItemMax}; it was {answer}.";
            }
        }

        return null;
    }

    /// <summary>Null when a directly entered total is possible for the instrument.</summary>
    public static string? TotalProblem(Instrument instrument, double total)
    {
        if (instrument.Rule == ScoringRule.StartBack)
        {
            return "start-back is recorded from its nine answers, not a total: the risk group needs the distress items.";
        }

        if (double.IsNaN(total) || total < instrument.Min || total > instrument.Max)
        {
            return $"{instrument.Code} totals are {instrument.Min} to {instrument.Max}.";
        }

        return instrument.WholeNumberTotal && total != Math.Floor(total) ? $"{instrument.Code} totals are whole numbers." : null;
    }

    public static InstrumentScore Score(Instrument instrument, IReadOnlyList<int?> items)
    {
        if (ItemsProblem(instrument, items) is { } problem)
        {
            throw new ArgumentException(problem, nameof(items));
        }

        switch (instrument.Rule)
        {
            case ScoringRule.StartBack:
                var result = StartBack.Score(items.Select(i => i!.Value).ToList());
                return new(result.Total, result.DistressSubscale, result.Risk.ToString().ToLowerInvariant());
            case ScoringRule.OdiPercent:
                var answered = items.Where(i => i is not null).Select(i => i!.Value).ToList();
                return new(Math.Round(answered.Sum() * 100.0 / (5 * answered.Count), 1, MidpointRounding.AwayFromZero), null, null);
            case ScoringRule.SumWithReversedItems:
                var total = items.Select((answer, index) => instrument.ReversedItems.Contains(index + 1)
                    ? instrument.ItemMin + instrument.ItemMax - answer!.Value
                    : answer!.Value).Sum();
                return new(total, null, Interpret(instrument, total));
            default:
                return new(items.Sum(i => i!.Value), null, null);
        }
    }

    /// <summary>The interpretation of a total entered directly (no items).</summary>
    public static string? Interpret(Instrument instrument, double total) =>
        instrument.Code == Tsk17 ? (total > TskHighCutOff ? "high-kinesiophobia" : "low-kinesiophobia") : null;
}
