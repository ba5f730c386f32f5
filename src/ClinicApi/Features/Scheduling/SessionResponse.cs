using ClinicApi.Data;
using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Scheduling;

public sealed record SessionResponse(
    Guid Id,
    Guid PatientId,
    Guid TherapistId,
    Guid EpisodeId,
    SessionKind Kind,
    DateTime StartsAt,
    DateTime EndsAt,
    string LocalStart,
    int DurationMinutes,
    SessionStatus Status,
    CancelledBy? CancelledBy,
    string? CancellationReason,
    DateTime? CancelledAt,
    bool LateCancellation,
    Guid? SeriesId,
    int Version)
{
    public static SessionResponse From(Session s, ClinicClock clock) => new(
        s.Id, s.PatientId, s.TherapistId, s.EpisodeId, s.Kind, s.StartsAt, s.EndsAt,
        clock.ToLocal(s.StartsAt).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        s.DurationMinutes, s.Status, s.CancelledBy, s.CancellationReason, s.CancelledAt, s.LateCancellation, s.SeriesId, s.Version);
}

/// <summary>Why one candidate session cannot be booked.</summary>
public sealed record SlotConflict(string LocalStart, DateTime? StartsAt, string Reason, int Status, Guid? ClashingSessionId);
