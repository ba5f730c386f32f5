using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Data;

public enum SessionStatus
{
    Booked,
    Cancelled,
    Attended,
    NoShow,
}

public enum CancelledBy
{
    Patient,
    Clinic,
}

/// <summary>One range of a therapist's weekly working hours, in the clinic's local time.</summary>
public sealed class WorkingHours
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TherapistId { get; init; }

    public DayOfWeek Weekday { get; init; }

    public TimeOnly StartsAt { get; init; }

    public TimeOnly EndsAt { get; init; }
}

/// <summary>An absence or blocked period of a therapist (UTC instants).</summary>
public sealed class TimeOff
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TherapistId { get; init; }

    public DateTime StartsAt { get; init; }

    public DateTime EndsAt { get; init; }

    public required string Reason { get; init; }

    public DateTime CreatedAt { get; init; }
}

/// <summary>
/// A treatment session. Overlap of non-cancelled sessions for the same therapist or the same patient is refused
/// by the database itself (PostgreSQL exclusion constraints, SQLite triggers), not only by a check before insert.
/// </summary>
public sealed class Session : IVersioned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid PatientId { get; init; }

    public Guid TherapistId { get; init; }

    public Guid EpisodeId { get; init; }

    public SessionKind Kind { get; init; }

    public DateTime StartsAt { get; set; }

    public DateTime EndsAt { get; set; }

    public int DurationMinutes { get; set; }

    public SessionStatus Status { get; set; } = SessionStatus.Booked;

    public CancelledBy? CancelledBy { get; set; }

    public string? CancellationReason { get; set; }

    public DateTime? CancelledAt { get; set; }

    /// <summary>Cancelled less than 24 hours before the start.</summary>
    public bool LateCancellation { get; set; }

    /// <summary>The protocol series this session was created with, if any.</summary>
    public Guid? SeriesId { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public int Version { get; set; } = 1;
}

/// <summary>
/// A replayable answer to a request that carried an <c>Idempotency-Key</c>. Written in the same transaction as
/// the change it answers, so a key exists exactly when its change committed.
/// </summary>
public sealed class IdempotencyRecord
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Operation { get; init; }

    public required string UserId { get; init; }

    public required string Key { get; init; }

    public required string RequestHash { get; init; }

    public int StatusCode { get; init; }

    public string? Location { get; init; }

    public required string ResponseBody { get; init; }

    public DateTime CreatedAt { get; init; }
}

public static class SessionQueries
{
    /// <summary>
    /// Attended sessions per episode, in one grouped query: what episodes, reports and scheduling all count
    /// against the arm's planned sessions.
    /// </summary>
    public static async Task<Dictionary<Guid, int>> AttendedByEpisodeAsync(this IQueryable<Session> sessions, IReadOnlyCollection<Guid> episodeIds, CancellationToken ct) =>
        await sessions.AsNoTracking().Where(s => episodeIds.Contains(s.EpisodeId) && s.Status == SessionStatus.Attended)
            .GroupBy(s => s.EpisodeId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
}
