using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicApi.Features.Evidence;

/// <summary>One catalogue entry, whatever its kind, with its source.</summary>
public sealed record EvidenceEntryResponse(string Id, string Kind, EvidenceSource Source, object Entry, string CatalogueVersion);

public static class ReadEvidence
{
    public static Ok<EvidenceCatalogue> List(EvidenceCatalogue catalogue) => TypedResults.Ok(catalogue);

    public static Results<Ok<EvidenceEntryResponse>, ProblemHttpResult> Get(string id, EvidenceCatalogue catalogue)
    {
        (string Kind, string Source, object Entry)? found =
            catalogue.Effects.FirstOrDefault(e => e.Id == id) is { } effect ? ("effect", effect.Source, effect)
            : catalogue.Trajectories.FirstOrDefault(t => t.Id == id) is { } trajectory ? ("trajectory", trajectory.Source, trajectory)
            : catalogue.Thresholds.FirstOrDefault(t => t.Id == id) is { } threshold ? ("threshold", threshold.Source, threshold)
            : catalogue.Unconfirmed.FirstOrDefault(u => u.Id == id) is { } claim ? ("unconfirmed", claim.Source, claim)
            : null;
        return found is { } f
            ? TypedResults.Ok(new EvidenceEntryResponse(id, f.Kind, catalogue.Source(f.Source), f.Entry, catalogue.CatalogueVersion))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No evidence entry with id '{id}' exists.");
    }
}

public static class EvidenceEndpoints
{
    public static void MapEvidence(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/evidence").WithTags("Evidence").RequireAuthorization(Policies.StaffDirectory);
        group.MapGet("", ReadEvidence.List).WithName("GetEvidenceCatalogue")
            .WithSummary("The published effects, trajectories and thresholds the reports compare against, with sources")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", ReadEvidence.Get).WithName("GetEvidenceEntry").WithSummary("One evidence entry with its source")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
