using ClinicApi.Features.Audit;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;

namespace ClinicApi.Features.Patients;

/// <summary>What a clinic records about a patient; the body of both registration and update.</summary>
public sealed record PatientDetails(
    string? MedicalRecordNumber,
    string? GivenName,
    string? FamilyName,
    DateOnly? DateOfBirth,
    Sex? Sex,
    string? Email,
    string? Phone,
    DateOnly? PainOnsetDate,
    int? PainDurationWeeks,
    bool? HasAnxiety,
    bool? HasDepression,
    bool? ConsentToDeidentifiedReporting,
    string? Notes)
{
    public sealed class Validator : AbstractValidator<PatientDetails>
    {
        public Validator(ClinicClock clock)
        {
            RuleFor(p => p.MedicalRecordNumber).NotEmpty().MaximumLength(Patient.MedicalRecordNumberMax)
                .Matches("^[A-Za-z0-9][A-Za-z0-9/-]*$").WithMessage("medicalRecordNumber may hold letters, digits, '-' and '/'.");
            RuleFor(p => p.GivenName).NotEmpty().MaximumLength(Patient.NameMax);
            RuleFor(p => p.FamilyName).NotEmpty().MaximumLength(Patient.NameMax);
            RuleFor(p => p.DateOfBirth).NotNull()
                .Must(d => d <= clock.Today).WithMessage("dateOfBirth cannot be in the future.")
                .Must(d => d >= clock.Today.AddYears(-PatientRules.OldestAgeYears))
                .WithMessage($"dateOfBirth is more than {PatientRules.OldestAgeYears} years ago.");
            RuleFor(p => p.Sex).NotNull().IsInEnum();
            RuleFor(p => p.Email).MaximumLength(Patient.EmailMax).EmailAddress();
            RuleFor(p => p.Phone).MaximumLength(Patient.PhoneMax)
                .Matches(@"^\+?[0-9 ()-]{3,}$").WithMessage("phone may hold digits, spaces, '+', '(', ')' and '-'.");
            RuleFor(p => p.PainOnsetDate)
                .Must(d => d <= clock.Today).WithMessage("painOnsetDate cannot be in the future.")
                .Must((p, d) => p.DateOfBirth is null || d >= p.DateOfBirth).WithMessage("painOnsetDate cannot be before dateOfBirth.")
                .When(p => p.PainOnsetDate is not null);
            RuleFor(p => p.PainDurationWeeks).InclusiveBetween(0, 52 * PatientRules.OldestAgeYears)
                .Must((p, _) => p.PainOnsetDate is null).WithMessage("Give painOnsetDate or painDurationWeeks, not both.")
                .When(p => p.PainDurationWeeks is not null);
            RuleFor(p => p.Notes).MaximumLength(Patient.NotesMax);
        }
    }

    /// <summary>Copies validated details onto the entity; a duration becomes an onset date counted back from today.</summary>
    public void ApplyTo(Patient patient, ClinicClock clock)
    {
        patient.MedicalRecordNumber = MedicalRecordNumber!.Trim();
        patient.Rename(GivenName!.Trim(), FamilyName!.Trim());
        patient.DateOfBirth = DateOfBirth!.Value;
        patient.Sex = Sex!.Value;
        patient.Email = string.IsNullOrWhiteSpace(Email) ? null : Email.Trim();
        patient.Phone = string.IsNullOrWhiteSpace(Phone) ? null : Phone.Trim();
        patient.PainOnsetDate = PainOnsetDate ?? (PainDurationWeeks is { } weeks ? clock.Today.AddDays(-7 * weeks) : null);
        patient.HasAnxiety = HasAnxiety ?? false;
        patient.HasDepression = HasDepression ?? false;
        patient.ConsentToDeidentifiedReporting = ConsentToDeidentifiedReporting ?? false;
        patient.Notes = string.IsNullOrWhiteSpace(Notes) ? null : Notes;
        patient.UpdatedAt = clock.UtcNow;
    }
}

public sealed record PatientResponse(
    [property: PatientKey] Guid Id,
    string MedicalRecordNumber,
    string GivenName,
    string FamilyName,
    DateOnly DateOfBirth,
    Sex Sex,
    string? Email,
    string? Phone,
    DateOnly? PainOnsetDate,
    int? PainDurationWeeks,
    [property: Clinical] bool? HasAnxiety,
    [property: Clinical] bool? HasDepression,
    bool ConsentToDeidentifiedReporting,
    [property: Clinical] string? Notes,
    PatientStatus Status,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? ArchivedAt,
    int Version)
{
    public static PatientResponse From(Patient p, DateOnly today) => new(
        p.Id, p.MedicalRecordNumber, p.GivenName, p.FamilyName, p.DateOfBirth, p.Sex, p.Email, p.Phone,
        p.PainOnsetDate, p.PainOnsetDate is { } onset ? (today.DayNumber - onset.DayNumber) / 7 : null,
        p.HasAnxiety, p.HasDepression, p.ConsentToDeidentifiedReporting, p.Notes, p.Status,
        p.CreatedAt, p.UpdatedAt, p.ArchivedAt, p.Version);
}
