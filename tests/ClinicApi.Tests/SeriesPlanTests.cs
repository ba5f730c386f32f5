using ClinicApi.Data;
using ClinicApi.Features.Scheduling;
using ClinicApi.Infrastructure;

namespace ClinicApi.Tests;

/// <summary>The pure planning step of a protocol series: dates, local times, kinds in turn, daylight-saving gaps.</summary>
public sealed class SeriesPlanTests
{
    private static readonly ClinicClock s_london = new(TimeProvider.System, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));

    private static readonly SessionKind[] s_physioCbt = [SessionKind.Physiotherapy, SessionKind.CognitiveBehaviouralTherapy];

    [Fact]
    public void Plans_weeks_times_weekdays_sessions_in_date_order_from_the_first_date()
    {
        // 2027-01-06 is a Wednesday: the first Monday/Thursday dates after it are Thu 7, Mon 11, Thu 14, Mon 18.
        var plan = SeriesPlan.Plan(new DateOnly(2027, 1, 6), [DayOfWeek.Thursday, DayOfWeek.Monday], 2, new TimeOnly(9, 0), s_physioCbt, s_london);

        Assert.Equal(["2027-01-07T09:00", "2027-01-11T09:00", "2027-01-14T09:00", "2027-01-18T09:00"], plan.Select(p => p.LocalStart));
    }

    [Fact]
    public void The_first_date_counts_when_it_falls_on_a_weekday_of_the_series()
    {
        var plan = SeriesPlan.Plan(new DateOnly(2027, 1, 11), [DayOfWeek.Monday], 1, new TimeOnly(9, 0), s_physioCbt, s_london);

        Assert.Equal("2027-01-11T09:00", Assert.Single(plan).LocalStart);
    }

    [Fact]
    public void The_arm_s_session_kinds_are_taken_in_turn()
    {
        var plan = SeriesPlan.Plan(new DateOnly(2027, 1, 4), [DayOfWeek.Monday], 3, new TimeOnly(9, 0), s_physioCbt, s_london);

        Assert.Equal([SessionKind.Physiotherapy, SessionKind.CognitiveBehaviouralTherapy, SessionKind.Physiotherapy], plan.Select(p => p.Kind));
    }

    [Fact]
    public void Local_times_become_instants_in_the_clinic_s_zone_on_each_side_of_a_clock_change()
    {
        // London: GMT (UTC+0) in winter, BST (UTC+1) from 2027-03-28.
        var plan = SeriesPlan.Plan(new DateOnly(2027, 3, 22), [DayOfWeek.Monday], 2, new TimeOnly(9, 0), s_physioCbt, s_london);

        Assert.Equal([new DateTime(2027, 3, 22, 9, 0, 0, DateTimeKind.Utc), new DateTime(2027, 3, 29, 8, 0, 0, DateTimeKind.Utc)], plan.Select(p => p.StartsAt));
    }

    [Fact]
    public void A_local_time_lost_to_the_spring_gap_has_no_instant_and_still_takes_its_turn_of_kinds()
    {
        // 2027-03-28 01:30 does not exist in London (clocks go from 01:00 to 02:00).
        var plan = SeriesPlan.Plan(new DateOnly(2027, 3, 21), [DayOfWeek.Sunday], 3, new TimeOnly(1, 30), s_physioCbt, s_london);

        Assert.Equal([false, true, false], plan.Select(p => p.StartsAt is null));
        Assert.Equal(SessionKind.Physiotherapy, plan[2].Kind);
    }
}
