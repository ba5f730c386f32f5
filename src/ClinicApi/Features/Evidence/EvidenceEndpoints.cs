using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Evidence;

public static class EvidenceEndpoints
{
    public static void MapEvidence(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/evidence").WithTags("Evidence").RequireAuthorization(Policies.StaffDirectory);
        group.MapGet("", GetEvidenceCatalogue.Handle).WithName("GetEvidenceCatalogue")
            .WithSummary("The published effects, trajectories and thresholds the reports compare against, with sources")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetEvidenceEntry.Handle).WithName("GetEvidenceEntry").WithSummary("One evidence entry with its source")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
