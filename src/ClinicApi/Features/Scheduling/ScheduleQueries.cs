using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Scheduling;

public sealed record DaySheetTherapist(Guid TherapistId, string GivenName, string FamilyName, IReadOnlyList<SessionResponse> Sessions);

public sealed record DaySheet(DateOnly Date, string TimeZone, IReadOnlyList<DaySheetTherapist> Therapists);

/// <summary>Planned sessions (the arm's protocol) against what happened to the booked ones.</summary>
public sealed record Adherence(
    Guid EpisodeId, int Planned, int Booked, int Attended, int Cancelled, int LateCancelled, int NoShow, int Upcoming, double AttendedShareOfPlanned);

/// <summary>Calendars, a patient's sessions, the day sheet and episode adherence. Every list is bounded.</summary>
public static class ScheduleQueries
{
    public sealed class RangeQuery
    {
        /// <summary>First local date (yyyy-MM-dd).</summary>
        public DateOnly? From { get; init; }

        /// <summary>Last local date, inclusive; at most 31 days after <c>from</c>.</summary>
        public DateOnly? To { get; init; }

        public bool? IncludeCancelled { get; init; }
    }

    public sealed class RangeValidator : AbstractValidator<RangeQuery>
    {
        public RangeValidator() => this.LocalDateRange(q => q.From, q => q.To);
    }

    public sealed class PatientSessionsQuery
    {
        /// <summary><c>upcoming</c> (default, soonest first) or <c>past</c> (latest first).</summary>
        public string? When { get; init; }

        public int? Limit { get; init; }
    }

    public sealed class PatientSessionsValidator : AbstractValidator<PatientSessionsQuery>
    {
        public PatientSessionsValidator()
        {
            RuleFor(q => q.When).Must(w => w is null or "upcoming" or "past").WithMessage("when is upcoming or past.");
            RuleFor(q => q.Limit).InclusiveBetween(1, NameCursor.MaxLimit);
        }
    }

    public sealed class DaySheetQuery
    {
        /// <summary>The local date (yyyy-MM-dd).</summary>
        public DateOnly? Date { get; init; }
    }

    public sealed class DaySheetValidator : AbstractValidator<DaySheetQuery>
    {
        public DaySheetValidator() => RuleFor(q => q.Date).NotNull();
    }

    public static async Task<Results<Ok<List<SessionResponse>>, ProblemHttpResult>> CalendarAsync(
        Guid id, [AsParameters] RangeQuery query, ClinicDbContext db, ClinicClock clock, HttpContext http, CancellationToken ct)
    {
        var restricted = CareTeam.IsRestricted(http.User);
        if (restricted)
        {
            if (!await db.Therapists.AnyAsync(t => t.Id == id, ct))
            {
                return Problems.NotFound("therapist", id);
            }

            if (await CareTeam.TherapistIdAsync(http, db, ct) != id)
            {
                return CareTeam.OwnOnly("calendar");
            }
        }

        var (from, to) = clock.UtcRange(query.From!.Value, query.To!.Value);
        var includeCancelled = query.IncludeCancelled ?? false;
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => s.TherapistId == id && s.StartsAt >= from && s.StartsAt < to && (includeCancelled || s.Status != SessionStatus.Cancelled))
            .OrderBy(s => s.StartsAt).Take(1000).ToListAsync(ct);
        // Sessions prove the therapist exists; only an empty week is worth a round trip to ask.
        if (!restricted && sessions.Count == 0 && !await db.Therapists.AnyAsync(t => t.Id == id, ct))
        {
            return Problems.NotFound("therapist", id);
        }

        return TypedResults.Ok(sessions.Select(s => SessionResponse.From(s, clock)).ToList());
    }

    public static async Task<Results<Ok<List<SessionResponse>>, ProblemHttpResult>> PatientSessionsAsync(
        Guid id, [AsParameters] PatientSessionsQuery query, ClinicDbContext db, ClinicClock clock, CancellationToken ct)
    {
        if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
        {
            return Problems.NotFound("patient", id);
        }

        var now = clock.UtcNow;
        var limit = query.Limit ?? NameCursor.DefaultLimit;
        var sessions = db.Sessions.AsNoTracking().Where(s => s.PatientId == id);
        sessions = query.When == "past"
            ? sessions.Where(s => s.StartsAt < now).OrderByDescending(s => s.StartsAt)
            : sessions.Where(s => s.StartsAt >= now).OrderBy(s => s.StartsAt);
        var rows = await sessions.Take(limit).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(s => SessionResponse.From(s, clock)).ToList());
    }

    public static async Task<Ok<DaySheet>> DaySheetAsync(
        [AsParameters] DaySheetQuery query, ClinicDbContext db, ClinicClock clock, HttpContext http, CancellationToken ct)
    {
        var (from, to) = clock.UtcRange(query.Date!.Value, query.Date.Value);
        var sessions = db.Sessions.AsNoTracking().Where(s => s.StartsAt >= from && s.StartsAt < to);
        if (CareTeam.IsRestricted(http.User))
        {
            // A therapist's day sheet is their own.
            var own = await CareTeam.TherapistIdAsync(http, db, ct);
            sessions = sessions.Where(s => s.TherapistId == own);
        }

        var rows = await sessions
            .Join(db.Therapists, s => s.TherapistId, t => t.Id, (s, t) => new { Session = s, t.GivenName, t.FamilyName })
            .OrderBy(x => x.FamilyName).ThenBy(x => x.Session.TherapistId).ThenBy(x => x.Session.StartsAt)
            .Take(2000).ToListAsync(ct);
        var therapists = rows.GroupBy(x => x.Session.TherapistId)
            .Select(g => new DaySheetTherapist(g.Key, g.First().GivenName, g.First().FamilyName, g.Select(x => SessionResponse.From(x.Session, clock)).ToList()))
            .ToList();
        return TypedResults.Ok(new DaySheet(query.Date.Value, clock.Zone.Id, therapists));
    }

    public static async Task<Results<Ok<List<SessionResponse>>, ProblemHttpResult>> EpisodeSessionsAsync(Guid id, ClinicDbContext db, ClinicClock clock, CancellationToken ct)
    {
        if (!await db.Episodes.AnyAsync(e => e.Id == id, ct))
        {
            return Problems.NotFound("episode", id);
        }

        var rows = await db.Sessions.AsNoTracking().Where(s => s.EpisodeId == id).OrderBy(s => s.StartsAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(s => SessionResponse.From(s, clock)).ToList());
    }

    public static async Task<Results<Ok<Adherence>, ProblemHttpResult>> AdherenceAsync(Guid id, ClinicDbContext db, ClinicClock clock, CancellationToken ct)
    {
        var planned = await db.Episodes.AsNoTracking().Where(e => e.Id == id)
            .Join(db.Arms, e => e.ArmId, a => a.Id, (e, a) => (int?)(a.SessionsPerWeek * a.Weeks)).FirstOrDefaultAsync(ct);
        if (planned is null)
        {
            return Problems.NotFound("episode", id);
        }

        var now = clock.UtcNow;
        var counts = await db.Sessions.AsNoTracking().Where(s => s.EpisodeId == id)
            .GroupBy(s => new { s.Status, s.LateCancellation, Upcoming = s.StartsAt >= now })
            .Select(g => new { g.Key.Status, g.Key.LateCancellation, g.Key.Upcoming, Count = g.Count() }).ToListAsync(ct);
        int Count(SessionStatus status) => counts.Where(c => c.Status == status).Sum(c => c.Count);
        var attended = Count(SessionStatus.Attended);
        return TypedResults.Ok(new Adherence(
            id, planned.Value, counts.Sum(c => c.Count), attended, Count(SessionStatus.Cancelled),
            counts.Where(c => c.Status == SessionStatus.Cancelled && c.LateCancellation).Sum(c => c.Count), Count(SessionStatus.NoShow),
            counts.Where(c => c.Status == SessionStatus.Booked && c.Upcoming).Sum(c => c.Count),
            planned.Value == 0 ? 0 : Math.Round((double)attended / planned.Value, 3)));
    }

    /// <summary>Attended sessions per episode, in one grouped query.</summary>
    public static async Task<Dictionary<Guid, int>> AttendedByEpisodeAsync(ClinicDbContext db, IReadOnlyCollection<Guid> episodeIds, CancellationToken ct) =>
        await db.Sessions.AsNoTracking().Where(s => episodeIds.Contains(s.EpisodeId) && s.Status == SessionStatus.Attended)
            .GroupBy(s => s.EpisodeId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
}

public static class SchedulingEndpoints
{
    public static void MapScheduling(this IEndpointRouteBuilder api)
    {
        var scheduling = api.MapGroup("").WithTags("Scheduling").RequireAuthorization(Policies.Scheduling);

        scheduling.MapGet("/therapists/{id:guid}/working-hours", Availability.GetWorkingHoursAsync).WithName("GetWorkingHours")
            .WithSummary("A therapist's weekly working hours (clinic local time), with ETag").ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapPut("/therapists/{id:guid}/working-hours", Availability.SetWorkingHoursAsync).WithName("SetWorkingHours")
            .WithSummary("Replace a therapist's weekly working hours (If-Match)").ProducesConcurrencyProblems();
        scheduling.MapPost("/therapists/{id:guid}/time-off", Availability.AddTimeOffAsync).WithName("AddTimeOff")
            .WithSummary("Block a period (absence, training) for a therapist").ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapGet("/therapists/{id:guid}/time-off", Availability.ListTimeOffAsync).WithName("ListTimeOff")
            .WithSummary("A therapist's current and future time off").ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapDelete("/therapists/{id:guid}/time-off/{timeOffId:guid}", Availability.DeleteTimeOffAsync).WithName("DeleteTimeOff")
            .WithSummary("Remove a period of time off").ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapGet("/therapists/{id:guid}/free-slots", Availability.FreeSlotsAsync).WithName("ListFreeSlots")
            .WithSummary("Free start times for a duration: working hours minus sessions minus time off")
            .ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapGet("/therapists/{id:guid}/calendar", ScheduleQueries.CalendarAsync).WithName("GetTherapistCalendar")
            .WithSummary("A therapist's sessions in a range of local dates").ProducesProblem(StatusCodes.Status404NotFound);

        scheduling.MapPost("/sessions", BookSession.HandleAsync).WithName("BookSession")
            .WithSummary("Book a session (Idempotency-Key supported)")
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
            .WithSummary("Create the arm's protocol series of sessions (all-or-nothing unless skipConflicts; Idempotency-Key supported)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        scheduling.MapGet("/episodes/{id:guid}/sessions", ScheduleQueries.EpisodeSessionsAsync).WithName("ListEpisodeSessions")
            .WithSummary("An episode's sessions in time order").ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapGet("/episodes/{id:guid}/adherence", ScheduleQueries.AdherenceAsync).WithName("GetEpisodeAdherence")
            .WithSummary("Planned vs attended vs cancelled vs no-show sessions").ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapGet("/patients/{id:guid}/sessions", ScheduleQueries.PatientSessionsAsync).WithName("ListPatientSessions")
            .WithSummary("A patient's upcoming or past sessions").ProducesProblem(StatusCodes.Status404NotFound);
        scheduling.MapGet("/day-sheet", ScheduleQueries.DaySheetAsync).WithName("GetDaySheet")
            .WithSummary("All sessions of a local date, by therapist");
    }
}
