using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Scheduling;

public static class GetSession
{
    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpResponse response, CancellationToken ct)
    {
        var session = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (session is null)
        {
            return Problems.NotFound("session", id);
        }

        ETags.Set(response, session);
        return TypedResults.Ok(SessionResponse.From(session, clock));
    }
}

/// <summary>
/// Reschedule, cancel, and record attendance (all with If-Match, all on a booked session). A cancelled session
/// frees its slot; attendance can be recorded only once the start has passed.
/// </summary>
public static class ChangeSession
{
    public sealed record RescheduleRequest(DateTime? StartsAt, int? DurationMinutes);

    public sealed record CancelRequest(CancelledBy? By, string? Reason);

    public const int LateCancellationHours = 24;

    public sealed class RescheduleValidator : AbstractValidator<RescheduleRequest>
    {
        public RescheduleValidator()
        {
            RuleFor(r => r.StartsAt).NotNull();
            RuleFor(r => r.DurationMinutes).InclusiveBetween(BookingRules.MinDuration, BookingRules.MaxDuration);
        }
    }

    public sealed class CancelValidator : AbstractValidator<CancelRequest>
    {
        public CancelValidator()
        {
            RuleFor(r => r.By).NotNull().IsInEnum();
            RuleFor(r => r.Reason).NotEmpty().FitsColumn((Session s) => s.CancellationReason);
        }
    }

    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> RescheduleAsync(
        Guid id, RescheduleRequest request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Session> logger, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (session, problem) = await LoadBookedAsync(id, db, http.Request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var startsAt = request.StartsAt!.Value.ToUniversalTime();
        var duration = request.DurationMinutes ?? session!.DurationMinutes;
        if (await BookingRules.CheckAsync(db, clock, session!.TherapistId, session.PatientId, startsAt, duration, session.Id, ct) is { } conflict)
        {
            return Sessions.Problem(conflict);
        }

        session.StartsAt = startsAt;
        session.EndsAt = startsAt.AddMinutes(duration);
        session.DurationMinutes = duration;
        session.UpdatedAt = clock.UtcNow;
        var saved = await SaveAsync(db, session, ct);
        if (saved is not null)
        {
            return saved;
        }

        await transaction.CommitAsync(ct);
        logger.LogInformation("Rescheduled session {SessionId}", session.Id);
        ETags.Set(http.Response, session);
        return TypedResults.Ok(SessionResponse.From(session, clock));
    }

    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> CancelAsync(
        Guid id, CancelRequest request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Session> logger, CancellationToken ct)
    {
        var (session, problem) = await LoadBookedAsync(id, db, http.Request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (session!.StartsAt <= clock.UtcNow)
        {
            return Problems.Conflict("The session has started: record it as attended or no-show instead.");
        }

        session.Status = SessionStatus.Cancelled;
        session.CancelledBy = request.By;
        session.CancellationReason = request.Reason!.Trim();
        session.CancelledAt = clock.UtcNow;
        session.LateCancellation = session.StartsAt - clock.UtcNow < TimeSpan.FromHours(LateCancellationHours);
        session.UpdatedAt = clock.UtcNow;
        if (await SaveAsync(db, session, ct) is { } saveProblem)
        {
            return saveProblem;
        }

        logger.LogInformation("Cancelled session {SessionId} (late: {Late})", session.Id, session.LateCancellation);
        ETags.Set(http.Response, session);
        return TypedResults.Ok(SessionResponse.From(session, clock));
    }

    public static Task<Results<Ok<SessionResponse>, ProblemHttpResult>> AttendedAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Session> logger, CancellationToken ct) =>
        RecordAttendanceAsync(id, SessionStatus.Attended, db, clock, http, logger, ct);

    public static Task<Results<Ok<SessionResponse>, ProblemHttpResult>> NoShowAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Session> logger, CancellationToken ct) =>
        RecordAttendanceAsync(id, SessionStatus.NoShow, db, clock, http, logger, ct);

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> RecordAttendanceAsync(
        Guid id, SessionStatus outcome, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Session> logger, CancellationToken ct)
    {
        var (session, problem) = await LoadBookedAsync(id, db, http.Request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (session!.StartsAt > clock.UtcNow)
        {
            return Problems.Unprocessable("Attendance can be recorded only once the session's start time has passed.");
        }

        session.Status = outcome;
        session.UpdatedAt = clock.UtcNow;
        if (await SaveAsync(db, session, ct) is { } saveProblem)
        {
            return saveProblem;
        }

        logger.LogInformation("Session {SessionId} recorded as {Status}", session.Id, session.Status);
        ETags.Set(http.Response, session);
        return TypedResults.Ok(SessionResponse.From(session, clock));
    }

    private static async Task<(Session? Session, ProblemHttpResult? Problem)> LoadBookedAsync(Guid id, ClinicDbContext db, HttpRequest request, CancellationToken ct)
    {
        var loaded = await db.Sessions.ForUpdateAsync(id, "session", request, ct);
        if (!loaded.Found)
        {
            return (loaded.Row, loaded.Problem);
        }

        var session = loaded.Row;
        return session.Status != SessionStatus.Booked
            ? (session, Problems.Conflict($"The session is already {KebabEnum.Name(session.Status)}."))
            : (session, null);
    }

    private static async Task<ProblemHttpResult?> SaveAsync(ClinicDbContext db, Session session, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }
        catch (DbUpdateException e) when (DbErrors.IsOverlapViolation(e))
        {
            // PostgreSQL aborts the transaction on the violation: roll back before asking who is in the way.
            if (db.Database.CurrentTransaction is { } transaction)
            {
                await transaction.RollbackAsync(ct);
            }

            db.ChangeTracker.Clear();
            return Sessions.Clash(await BookingRules.ClashingSessionAsync(db, session.TherapistId, session.PatientId, session.StartsAt, session.EndsAt, ct));
        }
    }
}
