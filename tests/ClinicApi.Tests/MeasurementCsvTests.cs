using ClinicApi.Features.Measurements;
using ClinicApi.Infrastructure;

namespace ClinicApi.Tests;

/// <summary>The pure parsing step of the CSV import: header, cells, types and the errors it reports.</summary>
public sealed class MeasurementCsvTests
{
    private static readonly ClinicClock s_london = new(TimeProvider.System, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));

    private const string Header = "medical_record_number,instrument,taken_at,score,items";

    [Theory]
    [InlineData("medical_record_number,instrument,taken_at,score")]
    [InlineData("medical_record_number,instrument,taken_at,score,items,shoe_size")]
    [InlineData("")]
    public void A_header_that_misses_or_adds_a_column_refuses_the_whole_file(string header)
    {
        var (_, _, fatal) = MeasurementCsv.Parse(header + "\nMRN-1,pain-nrs,2026-03-02T09:30:00Z,5,", s_london);

        Assert.Equal("header", fatal?.Field);
    }

    [Fact]
    public void Columns_may_come_in_any_order_and_in_any_case()
    {
        var (rows, errors, fatal) = MeasurementCsv.Parse("Score,INSTRUMENT,items,taken_at,medical_record_number\n5,pain-nrs,,2026-03-02T09:30:00Z,MRN-1", s_london);

        Assert.Null(fatal);
        Assert.Equal(0, errors.Count);
        Assert.Equal(("MRN-1", "pain-nrs", 5.0), (rows[0].Mrn, rows[0].Instrument, rows[0].Score));
    }

    [Fact]
    public void A_file_with_only_a_header_is_refused()
    {
        var (_, _, fatal) = MeasurementCsv.Parse(Header + "\n\n", s_london);

        Assert.Equal(("body", "The CSV holds no rows."), fatal);
    }

    [Fact]
    public void An_instant_with_an_offset_is_kept_and_one_without_is_read_as_clinic_time()
    {
        // 2026-07-01 is in British Summer Time (UTC+1): 09:30 clinic time is 08:30 UTC.
        var (rows, _, _) = MeasurementCsv.Parse(Header + "\nMRN-1,pain-nrs,2026-07-01T09:30:00Z,5,\nMRN-1,pain-nrs,2026-07-01 09:30,5,", s_london);

        Assert.Equal([new DateTime(2026, 7, 1, 9, 30, 0, DateTimeKind.Utc), new DateTime(2026, 7, 1, 8, 30, 0, DateTimeKind.Utc)], rows.Select(r => r.TakenAt));
    }

    [Fact]
    public void Items_are_separated_by_semicolons_and_an_empty_place_is_a_skipped_item()
    {
        var (rows, errors, _) = MeasurementCsv.Parse(Header + "\nMRN-1,odi,2026-03-02T09:30:00Z,,1;2;;3", s_london);

        Assert.Equal(0, errors.Count);
        Assert.Equal([1, 2, null, 3], rows[0].Items!);
    }

    [Fact]
    public void Each_bad_cell_is_an_error_keyed_by_its_line_and_column()
    {
        var (_, errors, fatal) = MeasurementCsv.Parse(Header + ",episode_id\n,pain-nrs,yesterday,five,1;x,not-a-guid", s_london);

        Assert.Null(fatal);
        Assert.Equal(
            ["rows[2].episode_id", "rows[2].items", "rows[2].medical_record_number", "rows[2].score", "rows[2].taken_at"],
            errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
        Assert.True(errors.HasLine(2));
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_cells_is_an_error_of_that_row_only()
    {
        var (rows, errors, _) = MeasurementCsv.Parse(Header + "\nMRN-1,pain-nrs\nMRN-2,pain-nrs,2026-03-02T09:30:00Z,5,", s_london);

        Assert.Equal(["rows[2].row"], errors.ToDictionary().Keys);
        Assert.Equal("MRN-2", Assert.Single(rows).Mrn);
    }

    [Fact]
    public void Reported_errors_are_capped_but_every_bad_line_is_counted()
    {
        var lines = Enumerable.Range(0, MeasurementCsv.MaxReportedErrors + 5).Select(_ => "MRN-1,pain-nrs");
        var (_, errors, _) = MeasurementCsv.Parse(Header + "\n" + string.Join("\n", lines), s_london);

        Assert.Equal(MeasurementCsv.MaxReportedErrors, errors.Count);
        Assert.Equal(MeasurementCsv.MaxReportedErrors + 5, errors.BadLines);
    }
}
