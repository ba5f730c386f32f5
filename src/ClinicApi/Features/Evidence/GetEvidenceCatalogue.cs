using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicApi.Features.Evidence;

/// <summary><c>GET /evidence</c>: the whole catalogue the reports compare against.</summary>
public static class GetEvidenceCatalogue
{
    public static Ok<EvidenceCatalogue> Handle(EvidenceCatalogue catalogue) => TypedResults.Ok(catalogue);
}
