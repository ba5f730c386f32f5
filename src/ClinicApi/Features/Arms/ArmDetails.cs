using ClinicApi.Data;
using ClinicApi.Features.Evidence;
using ClinicApi.Infrastructure;
using FluentValidation;

namespace ClinicApi.Features.Arms;

/// <summary>The body of creating and of changing a clinic arm.</summary>
public sealed record ArmDetails(
    string? Code,
    string? Name,
    string? Description,
    int? SessionsPerWeek,
    int? Weeks,
    IReadOnlyList<SessionKind>? SessionKinds,
    IReadOnlyList<string>? EvidenceIds,
    int? EvidenceMinAge,
    int? EvidenceMaxAge)
{
    public sealed class Validator : AbstractValidator<ArmDetails>
    {
        public Validator(EvidenceCatalogue evidence)
        {
            RuleFor(a => a.Code).NotEmpty().FitsColumn((TreatmentArm t) => t.Code).Matches("^[a-z0-9]+(-[a-z0-9]+)*$")
                .WithMessage("code must be kebab-case: lower-case letters and digits separated by '-'.");
            RuleFor(a => a.Name).NotEmpty().FitsColumn((TreatmentArm t) => t.Name);
            RuleFor(a => a.Description).FitsColumn((TreatmentArm t) => t.Description);
            RuleFor(a => a.SessionsPerWeek).NotNull().InclusiveBetween(1, 7);
            RuleFor(a => a.Weeks).NotNull().InclusiveBetween(1, 52);
            RuleFor(a => a.SessionKinds).NotEmpty()
                .Must(k => k is null || k.Distinct().Count() == k.Count).WithMessage("sessionKinds lists a kind twice.");
            RuleForEach(a => a.SessionKinds).IsInEnum();
            RuleFor(a => a.EvidenceIds).NotNull().WithMessage("evidenceIds is required (an empty list is allowed).")
                .Must(e => e is null || e.Count <= 20);
            RuleForEach(a => a.EvidenceIds).Must(evidence.IsComparable)
                .WithMessage("'{PropertyValue}' is not an effect or trajectory of the evidence catalogue (GET /evidence).");
            RuleFor(a => a.EvidenceMinAge).InclusiveBetween(0, 120);
            RuleFor(a => a.EvidenceMaxAge).InclusiveBetween(0, 120)
                .GreaterThanOrEqualTo(a => a.EvidenceMinAge ?? 0).When(a => a.EvidenceMaxAge is not null);
        }
    }

    public void ApplyTo(TreatmentArm arm, DateTime now)
    {
        arm.Code = Code!;
        arm.Name = Name!.Trim();
        arm.Description = string.IsNullOrWhiteSpace(Description) ? null : Description.Trim();
        arm.SessionsPerWeek = SessionsPerWeek!.Value;
        arm.Weeks = Weeks!.Value;
        arm.SessionKinds = SessionKinds!;
        arm.EvidenceIds = EvidenceIds!;
        arm.EvidenceMinAge = EvidenceMinAge;
        arm.EvidenceMaxAge = EvidenceMaxAge;
        arm.UpdatedAt = now;
    }
}
