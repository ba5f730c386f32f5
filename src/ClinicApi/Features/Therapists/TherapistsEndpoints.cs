using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Therapists;

public static class TherapistsEndpoints
{
    public static void MapTherapists(this IEndpointRouteBuilder api)
    {
        var read = api.MapGroup("/therapists").WithTags("Therapists").RequireAuthorization(Policies.StaffDirectory);
        read.MapGet("", ListTherapists.HandleAsync)
            .WithName("ListTherapists").WithSummary("List therapists (alphabetical, cursor-paginated), by competency");
        read.MapGet("/{id:guid}", GetTherapist.HandleAsync)
            .WithName("GetTherapist").WithSummary("Get a therapist with competencies and ETag")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var admin = api.MapGroup("/therapists").WithTags("Therapists").RequireAuthorization(Policies.Administration);
        admin.MapPost("", CreateTherapist.HandleAsync)
            .WithName("CreateTherapist").WithSummary("Add a therapist with competencies (admin)")
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPut("/{id:guid}", UpdateTherapist.HandleAsync)
            .WithName("UpdateTherapist").WithSummary("Replace a therapist's details and competencies (admin, If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/{id:guid}/deactivate", DeactivateTherapist.HandleAsync)
            .WithName("DeactivateTherapist").WithSummary("Deactivate a therapist (admin, If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/{id:guid}/activate", ActivateTherapist.HandleAsync)
            .WithName("ActivateTherapist").WithSummary("Reactivate a therapist (admin, If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
    }
}
