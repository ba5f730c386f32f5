using ClinicApi.Features.Audit;
using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Scheduling;

public static class SchedulingEndpoints
{
    /// <summary>The audit trail's resource type of a change to a therapist's working hours or time off.</summary>
    public const string ScheduleAudit = "therapist-schedule";

    public static void MapScheduling(this IEndpointRouteBuilder api)
    {
        var scheduling = api.MapGroup("").WithTags("Scheduling").RequireAuthorization(Policies.Scheduling);

        scheduling.MapGet("/therapists/{id:guid}/working-hours", Availability.GetWorkingHoursAsync).WithName("GetWorkingHours")
            .WithSummary("A therapist's weekly working hours (clinic local time), with ETag").ProducesProblem(StatusCodes.Status404NotFound);
        // A therapist's schedule: theirs to change (front desk and admin change anyone's), every change audited.
        scheduling.MapPut("/therapists/{id:guid}/working-hours", Availability.SetWorkingHoursAsync).WithName("SetWorkingHours")
            .WithSummary("Replace a therapist's weekly working hours (If-Match; a therapist their own only)").ProducesConcurrencyProblems()
            .OwnScheduleOnly().Audited(ScheduleAudit);
        scheduling.MapPost("/therapists/{id:guid}/time-off", Availability.AddTimeOffAsync).WithName("AddTimeOff")
            .WithSummary("Block a period (absence, training) for a therapist (a therapist their own only)").ProducesProblem(StatusCodes.Status404NotFound)
            .OwnScheduleOnly().Audited(ScheduleAudit);
        scheduling.MapGet("/therapists/{id:guid}/time-off", Availability.ListTimeOffAsync).WithName("ListTimeOff")
            .WithSummary("A therapist's current and future time off (the reason only for the therapist, front desk and admin)").ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapDelete("/therapists/{id:guid}/time-off/{timeOffId:guid}", Availability.DeleteTimeOffAsync).WithName("DeleteTimeOff")
            .WithSummary("Remove a period of time off (a therapist their own only)").ProducesProblem(StatusCodes.Status404NotFound)
            .OwnScheduleOnly().Audited(ScheduleAudit);
        scheduling.MapGet("/therapists/{id:guid}/free-slots", Availability.FreeSlotsAsync).WithName("ListFreeSlots")
            .WithSummary("Free start times for a duration: working hours minus sessions minus time off")
            .ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapGet("/therapists/{id:guid}/calendar", GetTherapistCalendar.HandleAsync).WithName("GetTherapistCalendar")
            .WithSummary("A therapist's sessions in a range of local dates").ProducesProblem(StatusCodes.Status404NotFound);

        scheduling.MapPost("/sessions", BookSession.HandleAsync).WithName("BookSession")
            .WithSummary("Book a session (Idempotency-Key supported)").AcceptsIdempotencyKey()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        scheduling.MapGet("/sessions/{id:guid}", GetSession.HandleAsync).WithName("GetSession")
            .WithSummary("Get a session, with its ETag").ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapPost("/sessions/{id:guid}/reschedule", ChangeSession.RescheduleAsync).WithName("RescheduleSession")
            .WithSummary("Move a booked session under the same rules (If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        scheduling.MapPost("/sessions/{id:guid}/cancel", ChangeSession.CancelAsync).WithName("CancelSession")
            .WithSummary("Cancel a booked session by patient or clinic; under 24 h it is flagged late (If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
        scheduling.MapPost("/sessions/{id:guid}/attended", ChangeSession.AttendedAsync).WithName("MarkSessionAttended")
            .WithSummary("Record that the patient attended (after the start; If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        scheduling.MapPost("/sessions/{id:guid}/no-show", ChangeSession.NoShowAsync).WithName("MarkSessionNoShow")
            .WithSummary("Record a no-show (after the start; If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        scheduling.MapPost("/episodes/{id:guid}/series", CreateSeries.HandleAsync).WithName("CreateSessionSeries")
            .WithSummary("Create the arm's protocol series of sessions (all-or-nothing unless skipConflicts; Idempotency-Key supported)").AcceptsIdempotencyKey()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        scheduling.MapGet("/episodes/{id:guid}/sessions", ListEpisodeSessions.HandleAsync).WithName("ListEpisodeSessions")
            .WithSummary("An episode's sessions in time order").ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapGet("/episodes/{id:guid}/adherence", GetEpisodeAdherence.HandleAsync).WithName("GetEpisodeAdherence")
            .WithSummary("Planned vs attended vs cancelled vs no-show sessions").ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapGet("/patients/{id:guid}/sessions", ListPatientSessions.HandleAsync).WithName("ListPatientSessions")
            .WithSummary("A patient's upcoming or past sessions").ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapGet("/day-sheet", GetDaySheet.HandleAsync).WithName("GetDaySheet")
            .WithSummary("All sessions of a local date, by therapist");
    }
}
