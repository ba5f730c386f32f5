using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace ClinicApi.Infrastructure;

/// <summary>
/// Walks an answer's object graph (the API's own response types, their nested objects and lists), visiting each
/// object once per occurrence. What the audit reads from answers (which patients they name) and what the
/// field-level rules take out of them (clinical members for the front desk) are found this way, so a new
/// response type is covered without anyone listing it.
/// </summary>
public static class ResponseGraph
{
    private const int MaxDepth = 8;

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_properties = new();

    /// <summary>The readable public instance properties of a type, cached.</summary>
    public static PropertyInfo[] Properties(Type type) => s_properties.GetOrAdd(type, t =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray());

    /// <summary>The answer inside a typed result (<c>Results&lt;Ok&lt;T&gt;, ...&gt;</c>), when it is a success with a value.</summary>
    public static object? SuccessValue(object? result)
    {
        var answer = result is INestedHttpResult nested ? nested.Result : result;
        return answer is IValueHttpResult { Value: { } value } && answer is not IStatusCodeHttpResult { StatusCode: >= 400 } ? value : null;
    }

    public static void Visit(object? value, Action<object> visit) => Visit(value, visit, 0);

    private static void Visit(object? value, Action<object> visit, int depth)
    {
        if (value is null or string || depth > MaxDepth)
        {
            return;
        }

        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                Visit(item, visit, depth + 1);
            }

            return;
        }

        var type = value.GetType();
        if (type.Assembly != typeof(ResponseGraph).Assembly || type.IsEnum || type.IsPrimitive)
        {
            return;
        }

        visit(value);
        foreach (var property in Properties(type))
        {
            if (!property.PropertyType.IsValueType && property.PropertyType != typeof(string))
            {
                Visit(property.GetValue(value), visit, depth + 1);
            }
        }
    }
}

/// <summary>Marks a response member as clinical: the front desk gets it as null (docs/security.md, field-level rules).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ClinicalAttribute : Attribute
{
    public const string Description = "Clinical: null for the front desk, which sees demographics, contact and scheduling data only.";
}

/// <summary>
/// The field-level rule, in one place: a front-desk caller gets every <see cref="ClinicalAttribute"/> member of
/// an answer as null (clinical flags, notes, referral reasons, eligibility warnings). Applied to the whole API
/// after the handler, so no feature can forget it; screenings, measurements and trajectories are closed to the
/// role altogether by their policies.
/// </summary>
public static class ClinicalFields
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_clinical = new();

    public static EndpointFilterDelegate Filter(EndpointFilterFactoryContext context, EndpointFilterDelegate next) => async invocation =>
    {
        var result = await next(invocation);
        var user = invocation.HttpContext.User;
        if (user.IsInRole(Roles.FrontDesk) && !user.IsInRole(Roles.Admin) && !user.IsInRole(Roles.Therapist))
        {
            Redact(ResponseGraph.SuccessValue(result));
        }

        return result;
    };

    /// <summary>Sets every clinical member of the answer to null (the answer objects are built for this request alone).</summary>
    public static void Redact(object? answer) => ResponseGraph.Visit(answer, value =>
    {
        foreach (var property in s_clinical.GetOrAdd(value.GetType(), t => ResponseGraph.Properties(t).Where(p => p.GetCustomAttribute<ClinicalAttribute>() is not null).ToArray()))
        {
            property.SetValue(value, null);
        }
    });
}
