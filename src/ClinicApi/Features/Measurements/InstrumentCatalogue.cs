using ClinicApi.Outcomes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicApi.Features.Measurements;

/// <summary>An instrument as the catalogue shows it, with the minimal important change in force and where it comes from.</summary>
public sealed record InstrumentResponse(
    string Code, string Name, string Domain, double Min, double Max, bool LowerIsBetter, string? Loinc, string LoincNote,
    int ItemCount, int ItemMin, int ItemMax, int MaxSkippedItems, IReadOnlyList<int> ReversedItems, string ScoringRule,
    MinimalImportantChange? MinimalImportantChange, string? MinimalImportantChangeEvidenceId, string Source)
{
    public static InstrumentResponse From(Instrument i, OutcomeSettings settings)
    {
        var threshold = settings.Threshold(i.Code);
        return new(i.Code, i.Name, i.Domain, i.Min, i.Max, i.LowerIsBetter, i.Loinc, i.LoincNote, i.ItemCount, i.ItemMin, i.ItemMax,
            i.MaxSkippedItems, i.ReversedItems, i.RuleDescription, threshold?.Mic, threshold?.EvidenceId, i.Source);
    }
}

public static class InstrumentCatalogue
{
    public static Ok<List<InstrumentResponse>> List(OutcomeSettings settings) =>
        TypedResults.Ok(Instruments.All.Select(i => InstrumentResponse.From(i, settings)).ToList());

    public static Results<Ok<InstrumentResponse>, ProblemHttpResult> Get(string code, OutcomeSettings settings) =>
        Instruments.Find(code) is { } instrument
            ? TypedResults.Ok(InstrumentResponse.From(instrument, settings))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No instrument with code '{code}' exists.");
}
