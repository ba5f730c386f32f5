using ClinicApi.Data;
using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Scheduling;

/// <summary>
/// One planned session of a series: the local start the clinic sees, the kind it delivers, and the instant, or
/// null when that local time does not exist on that date (a daylight-saving gap).
/// </summary>
public sealed record PlannedSession(string LocalStart, SessionKind Kind, DateTime? StartsAt);

/// <summary>
/// The pure half of creating a series: which local dates and times, in which order, delivering which kind.
/// What is already booked is the handler's business; this part needs no database and is unit-tested.
/// </summary>
public static class SeriesPlan
{
    /// <summary>
    /// <paramref name="weeks"/> x the weekdays' count sessions from <paramref name="firstDate"/> on, in date order,
    /// the arm's session kinds taken in turn (a date lost to a daylight-saving gap still takes its turn, so the
    /// kinds of the other dates do not shift).
    /// </summary>
    public static IReadOnlyList<PlannedSession> Plan(
        DateOnly firstDate, IReadOnlyCollection<DayOfWeek> weekdays, int weeks, TimeOnly time, IReadOnlyList<SessionKind> kinds, ClinicClock clock)
    {
        var planned = new List<PlannedSession>();
        foreach (var date in Occurrences(firstDate, weekdays, weeks * weekdays.Count))
        {
            planned.Add(new($"{date:yyyy-MM-dd}T{time:HH\\:mm}", kinds[planned.Count % kinds.Count], clock.ToUtc(date, time)));
        }

        return planned;
    }

    /// <summary>The first <paramref name="count"/> local dates on or after <paramref name="first"/> that fall on the weekdays.</summary>
    public static IEnumerable<DateOnly> Occurrences(DateOnly first, IReadOnlyCollection<DayOfWeek> weekdays, int count)
    {
        for (var date = first; count > 0; date = date.AddDays(1))
        {
            if (weekdays.Contains(date.DayOfWeek))
            {
                count--;
                yield return date;
            }
        }
    }
}
