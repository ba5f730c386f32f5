namespace ClinicApi.Outcomes;

public enum StartBackRisk
{
    Low,
    Medium,
    High,
}

/// <summary>The scored Keele STarT Back Screening Tool, with the rule that decided the risk group.</summary>
public sealed record StartBackResult(int Total, int DistressSubscale, StartBackRisk Risk, string Rule);

/// <summary>
/// Keele STarT Back Screening Tool (Hill et al. 2008). Items 1-8 are agree (1) / disagree (0). Item 9,
/// bothersomeness, is answered on five levels (0 not at all, 1 slightly, 2 moderately, 3 very much,
/// 4 extremely) and scores 1 only for "very much" or "extremely". Total 0-9; distress subscale = items 5-9
/// (0-5). Total 0-3: low risk; total 4-9: medium, unless the distress subscale is 4-5: high.
/// </summary>
public static class StartBack
{
    public const int ItemCount = 9;
    public const int BothersomenessMax = 4;
    public const int BothersomenessCountsFrom = 3;

    /// <summary>Null when the answers are well formed; otherwise what is wrong with them.</summary>
    public static string? Problem(IReadOnlyList<int>? answers)
    {
        if (answers is null || answers.Count != ItemCount)
        {
            return $"answers must hold exactly {ItemCount} items.";
        }

        for (var i = 0; i < ItemCount - 1; i++)
        {
            if (answers[i] is not (0 or 1))
            {
                return $"answers[{i}] (item {i + 1}) must be 0 (disagree) or 1 (agree).";
            }
        }

        return answers[ItemCount - 1] is < 0 or > BothersomenessMax
            ? $"answers[{ItemCount - 1}] (item 9, bothersomeness) must be 0 (not at all) to 4 (extremely)."
            : null;
    }

    public static StartBackResult Score(IReadOnlyList<int> answers)
    {
        if (Problem(answers) is { } problem)
        {
            throw new ArgumentException(problem, nameof(answers));
        }

        var scored = answers.Select((answer, index) => index == ItemCount - 1
            ? (answer >= BothersomenessCountsFrom ? 1 : 0)
            : answer).ToArray();
        var total = scored.Sum();
        var distress = scored[4..].Sum();
        return total <= 3
            ? new StartBackResult(total, distress, StartBackRisk.Low, $"total {total} is 0-3: low risk")
            : distress >= 4
                ? new StartBackResult(total, distress, StartBackRisk.High, $"total {total} is 4-9 and distress subscale {distress} is 4-5: high risk")
                : new StartBackResult(total, distress, StartBackRisk.Medium, $"total {total} is 4-9 and distress subscale {distress} is 0-3: medium risk");
    }
}
