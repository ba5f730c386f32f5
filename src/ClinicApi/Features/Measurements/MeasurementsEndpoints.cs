using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Measurements;

public static class MeasurementsEndpoints
{
    public static void MapMeasurements(this IEndpointRouteBuilder api)
    {
        var catalogue = api.MapGroup("/instruments").WithTags("Measurements").RequireAuthorization(Policies.StaffDirectory);
        catalogue.MapGet("", InstrumentCatalogue.List).WithName("ListInstruments")
            .WithSummary("Outcome instruments: range, direction, scoring rule, minimal important change with its source, LOINC where confirmed");
        catalogue.MapGet("/{code}", InstrumentCatalogue.Get).WithName("GetInstrument")
            .WithSummary("One outcome instrument").ProducesProblem(StatusCodes.Status404NotFound);

        var clinical = api.MapGroup("").WithTags("Measurements").RequireAuthorization(Policies.Clinical);
        clinical.MapPost("/patients/{id:guid}/measurements", RecordMeasurement.HandleAsync).WithName("RecordMeasurement")
            .WithSummary("Record a measurement: a total, or item answers the API scores; its timepoint is derived")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clinical.MapGet("/patients/{id:guid}/measurements", ListMeasurements.HandleAsync).WithName("ListPatientMeasurements")
            .WithSummary("A patient's current measurements in time order, with weeks since episode start and timepoint")
            .ProducesProblem(StatusCodes.Status404NotFound);
        clinical.MapGet("/measurements/{id:guid}", GetMeasurement.HandleAsync).WithName("GetMeasurement")
            .WithSummary("A measurement's current version and its whole history, with ETag").ProducesProblem(StatusCodes.Status404NotFound);
        clinical.MapPost("/measurements/{id:guid}/amend", CorrectMeasurement.AmendAsync).WithName("AmendMeasurement")
            .WithSummary("Correct a measurement with a reason: adds a version, never overwrites (If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
        clinical.MapPost("/measurements/{id:guid}/entered-in-error", CorrectMeasurement.WithdrawAsync).WithName("WithdrawMeasurement")
            .WithSummary("Withdraw a measurement recorded by mistake; kept in history, left out of reports (If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
        clinical.MapGet("/follow-ups", FollowUps.HandleAsync).WithName("ListFollowUps")
            .WithSummary("Timepoint measurements still missing for active and recently ended episodes: due and overdue");
        clinical.MapPost("/episodes/{id:guid}/adverse-events", AdverseEvents.RecordAsync).WithName("RecordAdverseEvent")
            .WithSummary("Record an adverse event: date, severity, relatedness to treatment, coded description")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clinical.MapGet("/episodes/{id:guid}/adverse-events", AdverseEvents.ListAsync).WithName("ListAdverseEvents")
            .WithSummary("An episode's adverse events").ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/measurements/import", ImportMeasurements.HandleAsync).WithName("ImportMeasurements").WithTags("Measurements")
            .RequireAuthorization(Policies.Administration)
            .WithMetadata(new BodyLimitAttribute(nameof(SecurityOptions.MaxImportBodyBytes)))
            .WithSummary("Import historical measurements from CSV: all rows validated, all or nothing, every bad row listed")
            .Accepts<string>("text/csv").ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }
}
