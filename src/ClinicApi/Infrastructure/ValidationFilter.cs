using System.Text;
using FluentValidation;

namespace ClinicApi.Infrastructure;

/// <summary>
/// The one place where FluentValidation runs: applied to the whole API group, it validates every handler
/// argument whose type has a registered validator, and answers 400 with errors keyed by JSON field name. Before
/// a validator runs, the rules every request shares (<see cref="Bounds"/>) are checked on the same argument.
/// </summary>
public static class ValidationFilter
{
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var validated = Checked(context.MethodInfo, context.ApplicationServices);
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

                // The shared rules first (dates within Bounds, no null elements): a validator may then assume them.
                if (Bounds.Violations(argument) is { Count: > 0 } violations)
                {
                    return TypedResults.ValidationProblem(violations);
                }

                if (validatorType is null)
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

    /// <summary>
    /// Every validator in this assembly. Singletons: they hold no per-request state, and a request pays nothing to
    /// build one.
    /// </summary>
    public static IServiceCollection AddClinicValidation(this IServiceCollection services)
    {
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonPath(member.Name);
        services.AddValidatorsFromAssemblyContaining(typeof(ValidationFilter), ServiceLifetime.Singleton);
        return services;
    }

    /// <summary>
    /// Declares the 400 answer on every endpoint that has a validated argument, the same test <see cref="Create"/>
    /// uses to decide whether to validate, so the document cannot claim a 400 the filter never sends (or miss one).
    /// </summary>
    public static TBuilder WithValidationProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var method = endpoint.Metadata.OfType<System.Reflection.MethodInfo>().FirstOrDefault();
            if (method is not null && Checked(method, endpoint.ApplicationServices).Length > 0)
            {
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), ["application/problem+json"]));
            }
        });
        return builder;
    }

    /// <summary>
    /// The handler arguments the filter checks, with their validator type (null: the shared rules only). Every
    /// argument the request supplies in a shape of this API (a body, an <c>[AsParameters]</c> query) gets the
    /// shared rules whether or not it has a validator of its own, so a new request type cannot skip the bounds;
    /// services (the context, the clock) are not input and are left alone.
    /// </summary>
    private static (int Index, Type? ValidatorType)[] Checked(System.Reflection.MethodInfo method, IServiceProvider services)
    {
        var isService = services.GetService<IServiceProviderIsService>();
        return method.GetParameters()
            .Select((parameter, index) =>
            {
                var validatorType = typeof(IValidator<>).MakeGenericType(parameter.ParameterType);
                var hasValidator = services.GetService(validatorType) is not null;
                var isInput = parameter.ParameterType.Assembly == typeof(ValidationFilter).Assembly
                    && parameter.ParameterType.IsClass && isService?.IsService(parameter.ParameterType) != true;
                return (index, validatorType: hasValidator ? validatorType : null, check: hasValidator || isInput);
            })
            .Where(p => p.check)
            .Select(p => (p.index, p.validatorType))
            .ToArray();
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
