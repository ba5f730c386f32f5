using System.Text;
using FluentValidation;

namespace ClinicApi.Infrastructure;

/// <summary>
/// The one place where FluentValidation runs: applied to the whole API group, it validates every handler
/// argument whose type has a registered validator, and answers 400 with errors keyed by JSON field name.
/// </summary>
public static class ValidationFilter
{
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var services = context.ApplicationServices;
        var validated = context.MethodInfo.GetParameters()
            .Select((parameter, index) => (index, validatorType: typeof(IValidator<>).MakeGenericType(parameter.ParameterType)))
            .Where(p => services.GetService(p.validatorType) is not null)
            .ToArray();
        if (validated.Length == 0)
        {
            return next;
        }

        return async invocation =>
        {
            foreach (var (index, validatorType) in validated)
            {
                if (invocation.Arguments[index] is not { } argument)
                {
                    continue;
                }

                var validator = (IValidator)invocation.HttpContext.RequestServices.GetRequiredService(validatorType);
                var result = await validator.ValidateAsync(new ValidationContext<object>(argument), invocation.HttpContext.RequestAborted);
                if (!result.IsValid)
                {
                    var errors = result.Errors
                        .GroupBy(e => JsonPath(e.PropertyName))
                        .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
                    return TypedResults.ValidationProblem(errors);
                }
            }

            return await next(invocation);
        };
    }

    /// <summary>Validators are registered by hand (no FluentValidation DI package here): every validator in this assembly.</summary>
    public static IServiceCollection AddClinicValidation(this IServiceCollection services)
    {
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonPath(member.Name);
        var validators = typeof(ValidationFilter).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false })
            .SelectMany(t => t.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>))
                .Select(i => (service: i, implementation: t)));
        foreach (var (service, implementation) in validators)
        {
            services.AddSingleton(service, implementation);
        }

        return services;
    }

    /// <summary><c>Contact.PhoneNumber</c> becomes <c>contact.phoneNumber</c>, matching the JSON the client sent.</summary>
    internal static string JsonPath(string propertyPath)
    {
        var builder = new StringBuilder(propertyPath.Length);
        var startOfSegment = true;
        foreach (var c in propertyPath)
        {
            builder.Append(startOfSegment ? char.ToLowerInvariant(c) : c);
            startOfSegment = c is '.' or '[';
        }

        return builder.ToString();
    }
}
