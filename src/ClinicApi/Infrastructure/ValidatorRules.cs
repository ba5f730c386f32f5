using System.Linq.Expressions;
using ClinicApi.Outcomes;
using FluentValidation;

namespace ClinicApi.Infrastructure;

/// <summary>Rules that several validators share, written once so that their answers cannot drift apart.</summary>
public static class ValidatorRules
{
    /// <summary>Every calendar, slot list and date-ranged query is bounded to this many days.</summary>
    public const int MaxRangeDays = 31;

    /// <summary>
    /// A range of local dates in a query: both given, <c>to</c> not before <c>from</c>, at most
    /// <see cref="MaxRangeDays"/> days.
    /// </summary>
    public static void LocalDateRange<T>(this AbstractValidator<T> validator, Expression<Func<T, DateOnly?>> from, Expression<Func<T, DateOnly?>> to)
    {
        var start = from.Compile();
        validator.RuleFor(from).NotNull();
        validator.RuleFor(to).NotNull().GreaterThanOrEqualTo(from)
            .Must((q, end) => start(q) is not { } first || end is not { } last || last.DayNumber - first.DayNumber < MaxRangeDays)
            .WithMessage($"the range spans at most {MaxRangeDays} days.");
    }

    /// <summary>An optional period (either end may be left open): when both ends are given, <c>to</c> is not before <c>from</c>.</summary>
    public static void OptionalPeriod<T, TDate>(this AbstractValidator<T> validator, Expression<Func<T, TDate?>> from, Expression<Func<T, TDate?>> to)
        where TDate : struct, IComparable<TDate>
    {
        var start = from.Compile();
        var end = to.Compile();
        validator.RuleFor(to).Must((q, _) => start(q) is not { } first || end(q) is not { } last || last.CompareTo(first) >= 0)
            .WithMessage("to must not be before from.");
    }

    /// <summary>An optional instrument code that, when given, names an instrument of the catalogue.</summary>
    public static IRuleBuilderOptions<T, string?> KnownInstrument<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(i => i is null || Instruments.Find(i) is not null).WithMessage("instrument is not a known instrument code.");
}
