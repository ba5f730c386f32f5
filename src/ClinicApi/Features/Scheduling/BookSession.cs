using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Scheduling;

/// <summary><c>POST /sessions</c>: books one session under every rule, with optional <c>Idempotency-Key</c>.</summary>
public static class BookSession
{
    private const string Operation = "book-session";

    public sealed record Request(Guid? PatientId, Guid? TherapistId, Guid? EpisodeId, SessionKind? Kind, DateTime? StartsAt, int? DurationMinutes)
        : ICareTeamRequest
    {
        Guid? ICareTeamRequest.CareTherapistId => TherapistId;
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.PatientId).NotEmpty();
            RuleFor(r => r.TherapistId).NotEmpty();
            RuleFor(r => r.EpisodeId).NotEmpty();
            RuleFor(r => r.Kind).NotNull().IsInEnum();
            RuleFor(r => r.StartsAt).NotNull();
            RuleFor(r => r.DurationMinutes).NotNull().InclusiveBetween(BookingRules.MinDuration, BookingRules.MaxDuration);
        }
    }

    public static async Task<Results<Created<SessionResponse>, ProblemHttpResult>> HandleAsync(
        Request request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Session> logger, CancellationToken ct)
    {
        var (key, keyProblem) = Idempotency.Read(http, Operation, request);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        var startsAt = request.StartsAt!.Value.ToUniversalTime();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (key is not null && await Idempotency.ReplayAsync<SessionResponse>(db, key, ct) is { } replay)
        {
            return replay;
        }

        var episode = await db.Episodes.AsNoTracking().FirstOrDefaultAsync(e => e.Id == request.EpisodeId, ct);
        if (episode is null || episode.PatientId != request.PatientId)
        {
            return Problems.Unprocessable($"The patient has no episode with id {request.EpisodeId}.");
        }

        if (episode.Status != EpisodeStatus.Active)
        {
            return Problems.Conflict($"The episode is {KebabEnum.Name(episode.Status)}: sessions are booked for active episodes only.");
        }

        var therapist = await db.Therapists.AsNoTracking().FirstOrDefaultAsync(t => t.Id == request.TherapistId, ct);
        if (therapist is null)
        {
            return Problems.Unprocessable($"No therapist with id {request.TherapistId} exists.");
        }

        if (!therapist.IsActive)
        {
            return Problems.Conflict("The therapist is deactivated.");
        }

        if (BookingRules.MissingCompetency(therapist, request.Kind!.Value) is { } missing)
        {
            return Problems.Conflict(missing);
        }

        if (await BookingRules.CheckAsync(db, clock, therapist.Id, episode.PatientId, startsAt, request.DurationMinutes!.Value, null, ct) is { } conflict)
        {
            // A retry racing its first attempt sees that attempt's session as a clash: answer with the first result.
            return key is not null && await Idempotency.ReplayAsync<SessionResponse>(db, key, ct) is { } first ? first : Sessions.Problem(conflict);
        }

        var session = new Session
        {
            PatientId = episode.PatientId,
            TherapistId = therapist.Id,
            EpisodeId = episode.Id,
            Kind = request.Kind.Value,
            StartsAt = startsAt,
            EndsAt = startsAt.AddMinutes(request.DurationMinutes.Value),
            DurationMinutes = request.DurationMinutes.Value,
            CreatedAt = clock.UtcNow,
            UpdatedAt = clock.UtcNow,
        };
        db.Sessions.Add(session);
        var response = SessionResponse.From(session, clock);
        var location = $"/sessions/{session.Id}";
        var (refused, firstAnswer) = await Idempotency.CommitAsync(db, transaction, key, location, response, clock.UtcNow, ct);
        if (refused)
        {
            if (firstAnswer is not null)
            {
                return firstAnswer;
            }

            return Sessions.Clash(await BookingRules.ClashingSessionAsync(db, session.TherapistId, session.PatientId, session.StartsAt, session.EndsAt, ct));
        }

        logger.LogInformation("Booked session {SessionId} for episode {EpisodeId}", session.Id, session.EpisodeId);
        ETags.Set(http.Response, session);
        return TypedResults.Created(location, response);
    }
}

/// <summary>Shared answers of the session use cases.</summary>
public static class Sessions
{
    public static ProblemHttpResult Problem(SlotConflict conflict) =>
        conflict.Status == StatusCodes.Status409Conflict
            ? Problems.Conflict(conflict.Reason, new Dictionary<string, object?> { ["clashingSessionId"] = conflict.ClashingSessionId })
            : Problems.Unprocessable(conflict.Reason);

    public static ProblemHttpResult Clash(Guid clashingSessionId) =>
        Problems.Conflict($"Another session ({clashingSessionId}) was booked at that time first.",
            new Dictionary<string, object?> { ["clashingSessionId"] = clashingSessionId });
}
