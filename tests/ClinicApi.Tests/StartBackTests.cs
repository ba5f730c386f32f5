using ClinicApi.Outcomes;

namespace ClinicApi.Tests;

/// <summary>Keele STarT Back scoring (Hill 2008), as ../shared/evidence/published-effects.md section 5 states it.</summary>
public sealed class StartBackTests
{
    [Theory]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0, 0, StartBackRisk.Low)]
    [InlineData(new[] { 1, 1, 1, 0, 0, 0, 0, 0, 2 }, 3, 0, StartBackRisk.Low)]      // "moderately" bothered does not count
    [InlineData(new[] { 1, 1, 1, 0, 0, 0, 0, 0, 3 }, 4, 1, StartBackRisk.Medium)]   // "very much" counts: total 4
    [InlineData(new[] { 1, 1, 1, 1, 0, 0, 0, 1, 2 }, 5, 1, StartBackRisk.Medium)]
    [InlineData(new[] { 1, 0, 0, 0, 1, 1, 1, 0, 0 }, 4, 3, StartBackRisk.Medium)]   // distress 3 is not high
    [InlineData(new[] { 0, 0, 0, 0, 1, 1, 1, 0, 4 }, 4, 4, StartBackRisk.High)]     // distress 4 with total 4
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1, 1, 4 }, 9, 5, StartBackRisk.High)]
    [InlineData(new[] { 0, 0, 0, 0, 1, 1, 0, 0, 4 }, 3, 3, StartBackRisk.Low)]      // total 0-3 is low whatever the distress
    public void Scores_total_distress_and_risk(int[] answers, int total, int distress, StartBackRisk risk)
    {
        var result = StartBack.Score(answers);

        Assert.Equal((total, distress, risk), (result.Total, result.DistressSubscale, result.Risk));
        Assert.Contains($"total {total}", result.Rule);
    }

    [Theory]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new[] { 0, 0, -1, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0, 2, 0 })]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0, 0, 5 })]
    public void Rejects_malformed_answers(int[] answers)
    {
        Assert.NotNull(StartBack.Problem(answers));
        Assert.Throws<ArgumentException>(() => StartBack.Score(answers));
    }
}
