using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Audit;

/// <summary>Marks the property that is a patient's own id (<c>PatientResponse.Id</c>); every <c>PatientId</c> counts without it.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatientKeyAttribute : Attribute;

/// <summary>
/// Which patients an audited call disclosed, so each gets the call in their accounting of disclosures: the
/// patient the route names, and every patient whose id the answer carries (a search result, a day sheet, a
/// session, a measurement). Found by walking the answer, so a new response type is covered without anyone
/// remembering it. Writes add the patients of the rows they change (<see cref="AuditInterceptor"/>).
/// </summary>
public static class AuditDisclosures
{
    private const int MaxDepth = 8;

    private static readonly ConcurrentDictionary<Type, (PropertyInfo[] Keys, PropertyInfo[] Children)> s_shapes = new();

    public static EndpointFilterDelegate Filter(EndpointFilterFactoryContext context, EndpointFilterDelegate next) => async invocation =>
    {
        var http = invocation.HttpContext;
        if (http.RequestServices.GetService<RequestAudit>()?.Current is not { } scope)
        {
            return await next(invocation);
        }

        if (http.GetEndpoint()?.Metadata.GetMetadata<CareTeamAttribute>() is { Resource: CareResource.Patient } &&
            Guid.TryParse(http.GetRouteValue("id")?.ToString(), out var patient))
        {
            scope.PatientIds.Add(patient);
        }

        var result = await next(invocation);
        var answer = result is INestedHttpResult nested ? nested.Result : result;
        if (answer is IValueHttpResult { Value: { } value } && answer is not IStatusCodeHttpResult { StatusCode: >= 400 })
        {
            Collect(value, scope.PatientIds, 0);
        }

        return result;
    };

    /// <summary>Every patient id in an answer: <c>PatientId</c> members and <see cref="PatientKeyAttribute"/> ones, in nested objects and lists.</summary>
    public static void Collect(object? value, ISet<Guid> patients, int depth)
    {
        if (value is null or string || depth > MaxDepth)
        {
            return;
        }

        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                Collect(item, patients, depth + 1);
            }

            return;
        }

        var type = value.GetType();
        if (type.Assembly != typeof(AuditDisclosures).Assembly || type.IsEnum || type.IsPrimitive)
        {
            return;
        }

        var (keys, children) = s_shapes.GetOrAdd(type, Shape);
        foreach (var key in keys)
        {
            if (key.GetValue(value) is Guid id && id != Guid.Empty)
            {
                patients.Add(id);
            }
        }

        foreach (var child in children)
        {
            Collect(child.GetValue(value), patients, depth + 1);
        }
    }

    private static (PropertyInfo[] Keys, PropertyInfo[] Children) Shape(Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
        var keys = properties.Where(p => (p.PropertyType == typeof(Guid) || p.PropertyType == typeof(Guid?)) &&
            (p.Name == "PatientId" || p.GetCustomAttribute<PatientKeyAttribute>() is not null)).ToArray();
        var children = properties.Where(p => !p.PropertyType.IsValueType && p.PropertyType != typeof(string)).ToArray();
        return (keys, children);
    }
}
