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
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_keys = new();

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
        Collect(ResponseGraph.SuccessValue(result), scope.PatientIds);
        return result;
    };

    /// <summary>Every patient id in an answer: <c>PatientId</c> members and <see cref="PatientKeyAttribute"/> ones, in nested objects and lists.</summary>
    public static void Collect(object? answer, ISet<Guid> patients) => ResponseGraph.Visit(answer, value =>
    {
        foreach (var key in s_keys.GetOrAdd(value.GetType(), t => ResponseGraph.Properties(t)
                     .Where(p => (p.PropertyType == typeof(Guid) || p.PropertyType == typeof(Guid?)) &&
                         (p.Name == "PatientId" || p.GetCustomAttribute<PatientKeyAttribute>() is not null)).ToArray()))
        {
            if (key.GetValue(value) is Guid id && id != Guid.Empty)
            {
                patients.Add(id);
            }
        }
    });
}
