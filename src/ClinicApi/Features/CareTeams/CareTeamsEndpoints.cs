using ClinicApi.Infrastructure;

namespace ClinicApi.Features.CareTeams;

public static class CareTeamsEndpoints
{
    public static void MapCareTeams(this IEndpointRouteBuilder api)
    {
        // Under /patients/{id}: patient data, audited, and reached only by those already in the patient's care.
        var team = api.MapGroup("/patients/{id:guid}/care-team").WithTags("Patients").RequireAuthorization(Policies.Clinical);

        team.MapGet("", ListCareTeam.HandleAsync)
            .WithName("ListCareTeam").WithSummary("Who may reach the patient: primary therapists of their episodes and added members, ended ones included")
            .ProducesProblem(StatusCodes.Status404NotFound);
        team.MapPost("", AddCareTeamMember.HandleAsync)
            .WithName("AddCareTeamMember").WithSummary("Add a therapist to the patient's care team, with a reason (admin or the primary therapist)")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        team.MapPost("/{memberId:guid}/end", EndCareTeamMember.HandleAsync)
            .WithName("EndCareTeamMember").WithSummary("End a membership now, with a reason (admin, the primary therapist or the member)")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
