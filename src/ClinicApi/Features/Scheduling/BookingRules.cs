using System.Globalization;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Scheduling;

/// <summary>
/// The rules every booking, reschedule and series occurrence must pass. Each returns its own status:
/// 422 for the calendar (past, outside working hours, time off), 409 for clashes with other sessions.
/// The database re-checks overlap on write, so a race that slips between check and insert is still a 409.
/// </summary>
public static class BookingRules
{
    public const int MinDuration = 15;
    public const int MaxDuration = 120;

    public static async Task<SlotConflict?> CheckAsync(
        ClinicDbContext db, ClinicClock clock, Guid therapistId, Guid patientId, DateTime startsAt, int durationMinutes,
        Guid? ignoreSessionId, CancellationToken ct)
    {
        var endsAt = startsAt.AddMinutes(durationMinutes);
        var local = Local(clock, startsAt);
        if (startsAt < clock.UtcNow)
        {
            return new(local, startsAt, "The start is in the past.", 422, null);
        }

        if (await OutsideWorkingHoursAsync(db, clock, therapistId, startsAt, endsAt, ct))
        {
            return new(local, startsAt, "Outside the therapist's working hours.", 422, null);
        }

        if (await db.TimeOff.AnyAsync(t => t.TherapistId == therapistId && t.StartsAt < endsAt && startsAt < t.EndsAt, ct))
        {
            return new(local, startsAt, "The therapist is off at that time.", 422, null);
        }

        var clash = await Overlapping(db.Sessions.AsNoTracking(), startsAt, endsAt)
            .Where(s => s.Status != SessionStatus.Cancelled && s.Id != ignoreSessionId && (s.TherapistId == therapistId || s.PatientId == patientId))
            .OrderBy(s => s.StartsAt).Select(s => new { s.Id, s.TherapistId }).FirstOrDefaultAsync(ct);
        return clash is null
            ? null
            : new(local, startsAt, clash.TherapistId == therapistId
                ? $"The therapist already has session {clash.Id} at that time."
                : $"The patient already has session {clash.Id} at that time.", 409, clash.Id);
    }

    /// <summary>After the database refused an overlap: which session is in the way.</summary>
    public static Task<Guid> ClashingSessionAsync(ClinicDbContext db, Guid therapistId, Guid patientId, DateTime startsAt, DateTime endsAt, CancellationToken ct) =>
        Overlapping(db.Sessions.AsNoTracking(), startsAt, endsAt)
            .Where(s => s.Status != SessionStatus.Cancelled && (s.TherapistId == therapistId || s.PatientId == patientId))
            .Select(s => s.Id).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Sessions overlapping [startsAt, endsAt). No session lasts longer than <see cref="MaxDuration"/>, so one that
    /// overlaps started less than that before <paramref name="startsAt"/>: that lower bound lets the database read
    /// a narrow range of the (therapist, start) index instead of every earlier session the therapist ever had.
    /// The exclusion constraint still refuses any overlap this misses.
    /// </summary>
    public static IQueryable<Session> Overlapping(IQueryable<Session> sessions, DateTime startsAt, DateTime endsAt)
    {
        var earliestStart = startsAt.AddMinutes(-MaxDuration);
        return sessions.Where(s => s.StartsAt < endsAt && s.StartsAt > earliestStart && startsAt < s.EndsAt);
    }

    public static string? MissingCompetency(Therapist therapist, SessionKind kind) =>
        therapist.Holds(SessionKinds.RequiredCompetency(kind))
            ? null
            : $"The therapist does not hold {KebabEnum.Name(SessionKinds.RequiredCompetency(kind))}, which a {KebabEnum.Name(kind)} session needs.";

    public static string Local(ClinicClock clock, DateTime utc) =>
        clock.ToLocal(utc).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private static async Task<bool> OutsideWorkingHoursAsync(
        ClinicDbContext db, ClinicClock clock, Guid therapistId, DateTime startsAt, DateTime endsAt, CancellationToken ct)
    {
        var localStart = clock.ToLocal(startsAt);
        var localEnd = clock.ToLocal(endsAt);
        if (localEnd.Date != localStart.Date && localEnd.TimeOfDay != TimeSpan.Zero)
        {
            return true;
        }

        var weekday = localStart.DayOfWeek;
        var start = TimeOnly.FromDateTime(localStart);
        var end = localEnd.Date != localStart.Date ? TimeOnly.MaxValue : TimeOnly.FromDateTime(localEnd);
        var ranges = await db.WorkingHours.AsNoTracking().Where(w => w.TherapistId == therapistId && w.Weekday == weekday).ToListAsync(ct);
        return !ranges.Any(r => r.StartsAt <= start && end <= r.EndsAt);
    }
}
