using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Screening;

public static class ScreeningEndpoints
{
    public static void MapScreening(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/patients/{id:guid}/screenings").WithTags("Screening").RequireAuthorization(Policies.Clinical);
        group.MapPost("", ScreenPatient.HandleAsync).WithName("ScreenPatient")
            .WithSummary("Score a STarT Back screening (9 answers), store it and suggest an arm")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("", ListScreenings.HandleAsync).WithName("ListScreenings")
            .WithSummary("A patient's STarT Back screenings, newest first").ProducesProblem(StatusCodes.Status404NotFound);
    }
}
