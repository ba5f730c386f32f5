using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Reports;

public static class ReportsEndpoints
{
    public static void MapReports(this IEndpointRouteBuilder api)
    {
        var clinical = api.MapGroup("").WithTags("Reports").RequireAuthorization(Policies.Clinical);
        clinical.MapGet("/patients/{id:guid}/trajectory", PatientTrajectory.HandleAsync).WithName("GetPatientTrajectory")
            .WithSummary("A patient's trajectory on one instrument against the expected reference for their arm, with band, MIC status and classification")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clinical.MapGet("/patients/{id:guid}/trajectory.svg", PatientTrajectory.SvgAsync).WithName("GetPatientTrajectoryChart")
            .WithSummary("The same trajectory as an SVG chart (observed line, expected line, band, end-of-treatment marker)")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clinical.MapGet("/worklists/off-track", OffTrackWorklist.HandleAsync).WithName("GetOffTrackWorklist")
            .WithSummary("A therapist's patients behind the expected band or rebounding, most severe first")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var reports = api.MapGroup("/reports").WithTags("Reports").RequireAuthorization(Policies.Reports);
        reports.MapGet("/cohort", CohortReport.HandleAsync).WithName("GetCohortReport")
            .WithSummary("Per arm and timepoint outcomes, and each arm against physiotherapy alone beside the published effect (JSON, or CSV with Accept: text/csv)")
            .Produces<CohortReportResponse>().WithMetadata(new CsvAlternativeAttribute());
        reports.MapGet("/therapists", TherapistReport.HandleAsync).WithName("GetTherapistReport")
            .WithSummary("Caseload, adherence, responder rate per arm and competencies (treatment fidelity) per therapist");
    }
}
