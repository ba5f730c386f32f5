using ClinicApi.Data;
using FluentValidation;

namespace ClinicApi.Features.Therapists;

/// <summary>The body of both creating and updating a therapist.</summary>
public sealed record TherapistDetails(
    string? GivenName,
    string? FamilyName,
    string? Email,
    string? RegistrationNumber,
    IReadOnlyList<Competency>? Competencies,
    string? UserId = null)
{
    public sealed class Validator : AbstractValidator<TherapistDetails>
    {
        public Validator()
        {
            RuleFor(t => t.GivenName).NotEmpty().MaximumLength(Therapist.NameMax);
            RuleFor(t => t.FamilyName).NotEmpty().MaximumLength(Therapist.NameMax);
            RuleFor(t => t.Email).MaximumLength(Therapist.EmailMax).EmailAddress();
            RuleFor(t => t.RegistrationNumber).NotEmpty().MaximumLength(Therapist.RegistrationNumberMax)
                .Matches("^[A-Za-z0-9][A-Za-z0-9/-]*$").WithMessage("registrationNumber may hold letters, digits, '-' and '/'.");
            RuleFor(t => t.Competencies).NotNull().WithMessage("competencies is required (an empty list is allowed).")
                .Must(c => c is null || c.Distinct().Count() == c.Count).WithMessage("competencies lists a competency twice.");
            RuleForEach(t => t.Competencies).IsInEnum();
            RuleFor(t => t.UserId).MaximumLength(Therapist.UserIdMax);
        }
    }

    public void ApplyTo(Therapist therapist, DateTime now)
    {
        therapist.GivenName = GivenName!.Trim();
        therapist.FamilyName = FamilyName!.Trim();
        therapist.Email = string.IsNullOrWhiteSpace(Email) ? null : Email.Trim();
        therapist.RegistrationNumber = RegistrationNumber!.Trim();
        therapist.UserId = string.IsNullOrWhiteSpace(UserId) ? null : UserId.Trim();
        therapist.Competencies.RemoveAll(c => !Competencies!.Contains(c.Competency));
        foreach (var competency in Competencies!.Where(c => !therapist.Holds(c)))
        {
            therapist.Competencies.Add(new TherapistCompetency { TherapistId = therapist.Id, Competency = competency });
        }

        therapist.UpdatedAt = now;
    }
}

public sealed record TherapistResponse(
    Guid Id,
    string GivenName,
    string FamilyName,
    string? Email,
    string RegistrationNumber,
    IReadOnlyList<Competency> Competencies,
    bool IsActive,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? DeactivatedAt,
    int Version,
    string? UserId)
{
    public static TherapistResponse From(Therapist t) => new(
        t.Id, t.GivenName, t.FamilyName, t.Email, t.RegistrationNumber,
        t.Competencies.Select(c => c.Competency).Order().ToList(),
        t.IsActive, t.CreatedAt, t.UpdatedAt, t.DeactivatedAt, t.Version, t.UserId);
}
