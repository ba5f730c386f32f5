using ClinicApi.Features.Measurements;
using ClinicApi.Features.Scheduling;
using ClinicApi.Infrastructure;

namespace ClinicApi.Tests;

/// <summary>The shared bounds every request is checked against (Infrastructure/Bounds.cs), on the API's own request types.</summary>
public sealed class BoundsTests
{
    private static CreateSeries.Request Series(DateOnly firstDate) => new([DayOfWeek.Monday], "09:00", firstDate, 6, 45, null, true);

    [Theory]
    [InlineData(1900, 1, 1, true)]
    [InlineData(2100, 12, 31, true)]
    [InlineData(1899, 12, 31, false)]
    [InlineData(2101, 1, 1, false)]
    [InlineData(9999, 12, 31, false)]
    [InlineData(1, 1, 1, false)]
    public void Dates_are_accepted_from_1900_to_2100_inclusive(int year, int month, int day, bool accepted)
    {
        string[] expected = accepted ? [] : ["firstDate"];
        Assert.Equal(expected, Bounds.Violations(Series(new DateOnly(year, month, day))).Keys);
    }

    [Theory]
    [InlineData("1900-01-01T00:00:00Z", true)]
    [InlineData("2100-12-31T23:59:59.9999999Z", true)]
    [InlineData("1899-12-31T23:59:59.9999999Z", false)]
    [InlineData("2101-01-01T00:00:00Z", false)]
    [InlineData("9999-12-31T23:59:59Z", false)]
    public void Instants_are_accepted_in_the_same_years_in_UTC(string instant, bool accepted)
    {
        var takenAt = DateTime.Parse(instant, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        string[] expected = accepted ? [] : ["takenAt"];
        Assert.Equal(expected, Bounds.Violations(new RecordMeasurement.Request("pain-nrs", takenAt, null, 5, null)).Keys);
    }

    [Fact]
    public void A_null_element_of_a_list_of_objects_is_named_by_its_index()
    {
        var violations = Bounds.Violations(new Availability.WorkingHoursRequest([new WorkingRange(DayOfWeek.Monday, "08:00", "12:00"), null!]));
        Assert.Equal(["ranges[1]"], violations.Keys);
    }

    [Fact]
    public void A_null_element_of_a_list_of_nullable_numbers_is_kept_it_means_not_answered()
    {
        Assert.Empty(Bounds.Violations(new RecordMeasurement.Request("odi", DateTime.UtcNow, null, null, [1, null, 3])));
    }

    [Fact]
    public void No_arithmetic_a_feature_does_can_overflow_from_inside_the_bounds()
    {
        // The furthest any code moves a date: a 52-week series from the last date, a year of time off, a day of time zone.
        Assert.Equal(new DateOnly(2101, 12, 30), Bounds.LatestDate.AddDays(52 * 7));
        Assert.True(Bounds.EndOfInstants.AddDays(367) < DateTime.MaxValue.AddYears(-7000));
        Assert.True(Bounds.EarliestInstant.AddDays(-2) > DateTime.MinValue.AddYears(1800));
    }
}
