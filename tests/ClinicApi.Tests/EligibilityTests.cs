using ClinicApi.Data;
using ClinicApi.Features.Episodes;

namespace ClinicApi.Tests;

public sealed class EligibilityTests
{
    private static readonly DateOnly s_start = new(2026, 1, 5);

    private static Patient Patient(DateOnly? onset) => new()
    {
        MedicalRecordNumber = "MRN-1", GivenName = "Ada", FamilyName = "Lovelace", DateOfBirth = new DateOnly(1985, 4, 12), PainOnsetDate = onset,
    };

    private static TreatmentArm Arm() => new() { Code = "physio", Name = "Physiotherapy alone" };

    private static string[] Codes(DateOnly? onset) => [.. Eligibility.Assess(Patient(onset), Arm(), s_start).Select(w => w.Code)];

    [Fact]
    public void An_onset_after_the_start_says_so_instead_of_a_negative_duration()
    {
        // History entered later with painDurationWeeks: the onset counted back from today falls after the start.
        var warning = Eligibility.Assess(Patient(s_start.AddDays(77)), Arm(), s_start).Single(w => w.Code == "pain-onset-after-start");

        Assert.DoesNotContain("-11", warning.Message, StringComparison.Ordinal);
        Assert.Contains("painOnsetDate", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pain-under-12-weeks", Codes(s_start.AddDays(77)));
    }

    [Theory]
    [InlineData(-83, true)]  // 11 weeks and 6 days: under twelve
    [InlineData(-84, false)] // exactly twelve weeks: chronic
    [InlineData(0, true)]    // onset on the start day: 0 weeks
    public void Pain_under_twelve_weeks_at_the_start_is_warned(int onsetDays, bool warned)
    {
        Assert.Equal(warned, Codes(s_start.AddDays(onsetDays)).Contains("pain-under-12-weeks"));
        Assert.DoesNotContain("pain-onset-after-start", Codes(s_start.AddDays(onsetDays)));
    }
}
