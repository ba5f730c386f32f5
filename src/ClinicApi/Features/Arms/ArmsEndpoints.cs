using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Arms;

public static class ArmsEndpoints
{
    public static void MapArms(this IEndpointRouteBuilder api)
    {
        var read = api.MapGroup("/arms").WithTags("Treatment arms").RequireAuthorization(Policies.StaffDirectory);
        read.MapGet("", ListArms.HandleAsync).WithName("ListArms").WithSummary("List treatment arms with their protocols")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        read.MapGet("/{id:guid}", GetArm.HandleAsync).WithName("GetArm").WithSummary("Get a treatment arm, with its ETag")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var admin = api.MapGroup("/arms").WithTags("Treatment arms").RequireAuthorization(Policies.Administration);
        admin.MapPost("", CreateArm.HandleAsync).WithName("CreateArm").WithSummary("Add a clinic-specific arm (admin)")
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPut("/{id:guid}", UpdateArm.HandleAsync).WithName("UpdateArm")
            .WithSummary("Change a clinic arm that no episode uses (admin, If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapDelete("/{id:guid}", DeleteArm.HandleAsync).WithName("DeleteArm")
            .WithSummary("Delete a clinic arm that no episode uses (admin, If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
    }
}
