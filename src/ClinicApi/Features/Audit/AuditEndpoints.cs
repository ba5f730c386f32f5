using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Audit;

public static class AuditEndpoints
{
    public static void MapAudit(this IEndpointRouteBuilder api) =>
        api.MapGet("/audit", ReadAuditTrail.HandleAsync).WithName("ListAuditEvents").WithTags("Audit")
            .RequireAuthorization(Policies.Administration)
            .WithSummary("The append-only audit trail of patient-data reads and writes, newest first (admin)");
}
