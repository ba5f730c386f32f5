using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicApi.Features.Evidence;

/// <summary>One catalogue entry, whatever its kind, with its source.</summary>
public sealed record EvidenceEntryResponse(string Id, string Kind, EvidenceSource Source, object Entry, string CatalogueVersion);

/// <summary><c>GET /evidence/{id}</c>: an effect, trajectory, threshold or unconfirmed claim, found by id.</summary>
public static class GetEvidenceEntry
{
    public static Results<Ok<EvidenceEntryResponse>, ProblemHttpResult> Handle(string id, EvidenceCatalogue catalogue)
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
