using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace ClinicApi.Infrastructure;

/// <summary>
/// The range every date and instant the API accepts must fall in, and the structural rules every request shares
/// (no null elements in lists). Checked once, in <see cref="ValidationFilter"/>, on every request and query object
/// before its own validator runs, so no feature repeats it and none can forget it.
/// </summary>
/// <remarks>
/// Why 1900 to 2100: the oldest patient alive was born after 1900, and nothing a clinic schedules, records or
/// reports on lies beyond 2100. The margin matters more than the exact years: the furthest any code moves a date
/// is a year (a 52-week series, a year of time off, a time-zone shift, a 31-day range), so from inside these
/// bounds no arithmetic on a <see cref="DateTime"/> or <see cref="DateOnly"/> can overflow, on either provider.
/// </remarks>
public static class Bounds
{
    public static readonly DateOnly EarliestDate = new(1900, 1, 1);

    public static readonly DateOnly LatestDate = new(2100, 12, 31);

    /// <summary>The first instant accepted (UTC), inclusive.</summary>
    public static readonly DateTime EarliestInstant = new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The first instant no longer accepted (UTC): every instant of <see cref="LatestDate"/> is still in.</summary>
    public static readonly DateTime EndOfInstants = new(2101, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static readonly string DateMessage = $"must be a date from {EarliestDate:yyyy-MM-dd} to {LatestDate:yyyy-MM-dd}.";

    public static readonly string InstantMessage = $"must be an instant from {EarliestDate:yyyy-MM-dd}T00:00:00Z to {LatestDate:yyyy-MM-dd}T23:59:59Z.";

    public const string NullElementMessage = "must not hold null elements.";

    private const int MaxDepth = 8;

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_properties = new();

    public static bool Contains(DateOnly date) => date >= EarliestDate && date <= LatestDate;

    public static bool Contains(DateTime instant)
    {
        var utc = instant.ToUniversalTime();
        return utc >= EarliestInstant && utc < EndOfInstants;
    }

    public static bool Contains(DateTimeOffset instant) => instant.UtcDateTime >= EarliestInstant && instant.UtcDateTime < EndOfInstants;

    /// <summary>
    /// Every date or instant outside the bounds, and every null element of a list of objects or strings, in a
    /// request or query object, keyed by JSON path (<c>ranges[0]</c>, <c>firstDate</c>). Lists of nullable values
    /// (<c>items: [3, null]</c>) keep their nulls: there a null means "not answered".
    /// </summary>
    public static Dictionary<string, string[]> Violations(object argument)
    {
        var errors = new Dictionary<string, string[]>();
        Walk(argument, string.Empty, 0, errors);
        return errors;
    }

    private static void Walk(object? value, string path, int depth, Dictionary<string, string[]> errors)
    {
        switch (value)
        {
            case null or string or bool or Guid or Enum or TimeOnly or TimeSpan:
                return;
            case DateOnly date when !Contains(date):
                errors[path] = [DateMessage];
                return;
            case DateTime instant when !Contains(instant):
                errors[path] = [InstantMessage];
                return;
            case DateTimeOffset instant when !Contains(instant):
                errors[path] = [InstantMessage];
                return;
            case DateOnly or DateTime or DateTimeOffset:
                return;
        }

        var type = value.GetType();
        if (type.IsPrimitive || type == typeof(decimal) || depth >= MaxDepth)
        {
            return;
        }

        if (value is IEnumerable list)
        {
            var elementsMayBeNull = ElementType(type) is not { } element || Nullable.GetUnderlyingType(element) is not null;
            var index = 0;
            foreach (var item in list)
            {
                var itemPath = $"{path}[{index++}]";
                if (item is null)
                {
                    if (!elementsMayBeNull)
                    {
                        errors[itemPath] = [NullElementMessage];
                    }

                    continue;
                }

                Walk(item, itemPath, depth + 1, errors);
            }

            return;
        }

        // Only the API's own request shapes are walked; anything else (a service, a framework type) is not input.
        if (type.Assembly != typeof(Bounds).Assembly)
        {
            return;
        }

        foreach (var property in s_properties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray()))
        {
            var name = ValidationFilter.JsonPath(property.Name);
            Walk(property.GetValue(value), path.Length == 0 ? name : $"{path}.{name}", depth + 1, errors);
        }
    }

    private static Type? ElementType(Type listType) =>
        listType.IsArray
            ? listType.GetElementType()
            : listType.GetInterfaces().Append(listType)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
}
