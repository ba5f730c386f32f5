using ClinicApi.Data;

namespace ClinicApi.Features.Episodes;

/// <summary>A reason to look twice at an enrolment; returned with it and kept on the episode.</summary>
public sealed record EligibilityWarning(string Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";

    public static EligibilityWarning Parse(string line)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? new EligibilityWarning("note", line) : new EligibilityWarning(line[..colon], line[(colon + 2)..]);
    }
}

/// <summary>
/// Who the evidence behind each arm was studied in. Eligibility is reported, never hidden and never silently
/// enforced, except a missing therapist competency, which needs an explicit override reason.
/// </summary>
public static class Eligibility
{
    public const int ChronicWeeks = 12;

    public static List<EligibilityWarning> Assess(Patient patient, TreatmentArm arm, DateOnly startDate)
    {
        var warnings = new List<EligibilityWarning>();
        if (patient.PainOnsetDate is not { } onset)
        {
            warnings.Add(new("pain-duration-unknown", $"The pain's onset is not recorded, so chronicity (at least {ChronicWeeks} weeks) is not confirmed."));
        }
        else if (onset > startDate)
        {
            // Typical of history entered later: painDurationWeeks counts back from the day it was given, which can be
            // after an episode that started in the past. Not "pain for -11 weeks": say what is wrong and how to fix it.
            warnings.Add(new("pain-onset-after-start",
                $"The recorded pain onset ({onset:yyyy-MM-dd}) is after the episode's start ({startDate:yyyy-MM-dd}), so chronicity at the start is unknown: " +
                "record painOnsetDate (not painDurationWeeks, which counts back from today) for episodes entered after the fact."));
        }
        else if ((startDate.DayNumber - onset.DayNumber) / 7 < ChronicWeeks)
        {
            warnings.Add(new("pain-under-12-weeks",
                $"Pain for {(startDate.DayNumber - onset.DayNumber) / 7} weeks at the start: under {ChronicWeeks} weeks, not chronic low back pain as the trials define it."));
        }

        if (patient.HasAnxiety || patient.HasDepression)
        {
            warnings.Add(new("comorbid-anxiety-depression",
                "Comorbid anxiety or depression: the trial behind the CBT arm (Bemani 2023) excluded it, so expected effects may not apply."));
        }

        var age = AgeOn(patient.DateOfBirth, startDate);
        if ((arm.EvidenceMinAge is { } min && age < min) || (arm.EvidenceMaxAge is { } max && age > max))
        {
            warnings.Add(new("age-outside-evidence",
                $"Aged {age} at the start; the evidence for this arm covers {arm.EvidenceMinAge?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any"}" +
                $" to {arm.EvidenceMaxAge?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any"} years."));
        }

        return warnings;
    }

    public static IReadOnlyList<Competency> MissingCompetencies(Therapist therapist, TreatmentArm arm) =>
        arm.RequiredCompetencies.Where(c => !therapist.Holds(c)).ToList();

    public static int AgeOn(DateOnly birth, DateOnly day)
    {
        var age = day.Year - birth.Year;
        return birth.AddYears(age) > day ? age - 1 : age;
    }
}
