using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Studies;

public static class StudiesEndpoints
{
    public static void MapStudies(this IEndpointRouteBuilder api)
    {
        var clinical = api.MapGroup("/studies").WithTags("Studies").RequireAuthorization(Policies.Clinical);
        clinical.MapGet("", ListStudies.HandleAsync).WithName("ListStudies").WithSummary("List the clinic's randomised comparisons")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        clinical.MapGet("/{id:guid}", GetStudy.HandleAsync).WithName("GetStudy").WithSummary("Get a study (arms, ratios, block sizes)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        clinical.MapPost("/{id:guid}/enrolments", EnrolInStudy.HandleAsync).WithName("EnrolInStudy")
            .WithSummary("Allocate a screened patient by stratified permuted blocks and enrol them in the allocated arm")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        var admin = api.MapGroup("/studies").WithTags("Studies").RequireAuthorization(Policies.Administration);
        admin.MapPost("", CreateStudy.HandleAsync).WithName("CreateStudy").WithSummary("Define a randomised comparison of arms (admin)")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapPost("/{id:guid}/close", CloseStudy.HandleAsync).WithName("CloseStudy").WithSummary("Close a study to recruitment (admin, If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapGet("/{id:guid}/audit", AuditStudy.HandleAsync).WithName("AuditStudy")
            .WithSummary("The seed and every allocation, recomputed from it (admin)").ProducesProblem(StatusCodes.Status404NotFound);
    }
}
