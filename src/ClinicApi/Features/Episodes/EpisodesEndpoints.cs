using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Episodes;

public static class EpisodesEndpoints
{
    public static void MapEpisodes(this IEndpointRouteBuilder api)
    {
        var read = api.MapGroup("").WithTags("Episodes of care").RequireAuthorization(Policies.PatientRecords);
        read.MapGet("/episodes/{id:guid}", GetEpisode.HandleAsync).WithName("GetEpisode")
            .WithSummary("Get an episode of care with its warnings and progress").ProducesProblem(StatusCodes.Status404NotFound);
        read.MapGet("/patients/{id:guid}/episodes", ListPatientEpisodes.HandleAsync).WithName("ListPatientEpisodes")
            .WithSummary("A patient's episodes of care, newest first (history of arms)").ProducesProblem(StatusCodes.Status404NotFound);

        var clinical = api.MapGroup("/episodes").WithTags("Episodes of care").RequireAuthorization(Policies.Clinical);
        clinical.MapPost("", EnrolPatient.HandleAsync).WithName("EnrolPatient")
            .WithSummary("Enrol a patient in a treatment arm (eligibility warnings in the response)")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clinical.MapPost("/{id:guid}/complete", EndEpisode.CompleteAsync).WithName("CompleteEpisode")
            .WithSummary("Complete an active episode (If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clinical.MapPost("/{id:guid}/discontinue", EndEpisode.DiscontinueAsync).WithName("DiscontinueEpisode")
            .WithSummary("Discontinue an active episode with a reason (If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clinical.MapPost("/{id:guid}/change-arm", EndEpisode.ChangeArmAsync).WithName("ChangeEpisodeArm")
            .WithSummary("Move the patient to another arm: discontinues this episode and starts a new one (If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
