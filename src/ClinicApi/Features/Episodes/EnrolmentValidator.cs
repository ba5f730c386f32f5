using System.Linq.Expressions;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;

namespace ClinicApi.Features.Episodes;

/// <summary>What every way of enrolling a patient asks for, whether the arm is chosen or allocated by a study.</summary>
public interface IEnrolmentRequest
{
    Guid? PatientId { get; }

    Guid? PrimaryTherapistId { get; }

    DateOnly? StartDate { get; }

    string? ReferralReason { get; }

    string? CompetencyOverrideReason { get; }
}

/// <summary>
/// The one set of enrolment rules, for <c>POST /episodes</c> and <c>POST /studies/{id}/enrolments</c>. Closed per
/// request type because the validation filter resolves <c>IValidator&lt;T&gt;</c> for the exact body type.
/// </summary>
public abstract class EnrolmentValidator<T> : AbstractValidator<T>
    where T : IEnrolmentRequest
{
    /// <param name="clock">The clinic's today, which bounds the start date.</param>
    /// <param name="armId">The chosen arm, when the request names one; its rule comes right after the patient's so errors keep their order.</param>
    protected EnrolmentValidator(ClinicClock clock, Expression<Func<T, Guid?>>? armId = null)
    {
        RuleFor(r => r.PatientId).NotEmpty();
        if (armId is not null)
        {
            RuleFor(armId).NotEmpty();
        }

        RuleFor(r => r.PrimaryTherapistId).NotEmpty();
        RuleFor(r => r.StartDate).NotNull()
            .Must(d => d >= clock.Today.AddYears(-2) && d <= clock.Today.AddYears(1))
            .WithMessage("startDate must be within two years before and one year after today.");
        RuleFor(r => r.ReferralReason).NotEmpty().FitsColumn((Episode e) => e.ReferralReason);
        RuleFor(r => r.CompetencyOverrideReason).FitsColumn((Episode e) => e.CompetencyOverrideReason);
    }
}
