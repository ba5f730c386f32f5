using ClinicApi.Data;
using ClinicApi.Outcomes;

namespace ClinicApi.Features.Screening;

/// <summary>An arm the screening points to; a suggestion for the clinician, with where it comes from.</summary>
public sealed record ArmSuggestion(string Label, Guid ArmId, string ArmCode, IReadOnlyList<string> AlternativeArmCodes, string Rationale, string Source);

public sealed record ScreeningResponse(
    Guid Id, Guid PatientId, Guid? EpisodeId, DateTime TakenAt, IReadOnlyList<int> Answers,
    int Total, int DistressSubscale, StartBackRisk Risk, string Rule, ArmSuggestion Suggestion)
{
    public static ScreeningResponse From(Measurement m)
    {
        var answers = m.Items!.Split(',').Select(int.Parse).ToList();
        var result = StartBack.Score(answers);
        return new(m.Id, m.PatientId, m.EpisodeId, m.TakenAt, answers, result.Total, result.DistressSubscale, result.Risk, result.Rule,
            MatchedCare.Suggest(result.Risk));
    }
}
