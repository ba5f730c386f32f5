using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Patients;

public static class PatientsEndpoints
{
    public static void MapPatients(this IEndpointRouteBuilder api)
    {
        var patients = api.MapGroup("/patients").WithTags("Patients").RequireAuthorization(Policies.PatientRecords);

        patients.MapPost("", RegisterPatient.HandleAsync)
            .WithName("RegisterPatient").WithSummary("Register a patient")
            .ProducesProblem(StatusCodes.Status409Conflict);
        patients.MapGet("", ListPatients.HandleAsync)
            .WithName("ListPatients").WithSummary("List and search patients (alphabetical, cursor-paginated)");
        patients.MapGet("/{id:guid}", GetPatient.HandleAsync)
            .WithName("GetPatient").WithSummary("Get a patient, with its ETag")
            .ProducesProblem(StatusCodes.Status404NotFound);
        patients.MapPut("/{id:guid}", UpdatePatient.HandleAsync)
            .WithName("UpdatePatient").WithSummary("Replace a patient's details (If-Match required)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
        patients.MapPost("/{id:guid}/archive", ArchivePatient.HandleAsync)
            .WithName("ArchivePatient").WithSummary("Archive a patient (soft; If-Match required)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
        patients.MapPost("/{id:guid}/restore", RestorePatient.HandleAsync)
            .WithName("RestorePatient").WithSummary("Restore an archived patient (If-Match required)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
        patients.MapGet("/{id:guid}/export", DataSubjectRights.ExportAsync).RequireAuthorization(Policies.Administration)
            .WithName("ExportPatient").WithSummary("Everything held about one patient, as JSON (admin; subject access request)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        patients.MapPost("/{id:guid}/erase", DataSubjectRights.EraseAsync).RequireAuthorization(Policies.Administration)
            .WithName("ErasePatient").WithSummary("Irreversibly pseudonymise a patient's identity; de-identified outcomes stay (admin, If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
    }
}
