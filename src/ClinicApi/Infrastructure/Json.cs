using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClinicApi.Infrastructure;

public static class JsonSetup
{
    /// <summary>
    /// Enums travel as kebab-case strings (e.g. <c>cognitive-behavioural-therapy</c>); nesting depth is bounded.
    /// Reading is strict, because this is health data and a value the API drops or guesses is worse than a 400
    /// (docs/conventions.md, "JSON policy"): a member the request type does not have is refused (a misspelt
    /// <c>dateOfBrith</c> must not be dropped silently, an <c>id</c> or <c>version</c> in a body is not taken),
    /// a member sent twice is refused (which one would a reader believe?), and numbers are numbers, never
    /// strings (ASP.NET's web defaults would read <c>"7"</c> as 7).
    /// </summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MaxDepth = 32;
        options.Converters.Add(new NoNulStringConverter());
    }

    public static IServiceCollection AddClinicJson(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions));
        // Swashbuckle reads the MVC JSON options to describe schemas: keep both identical.
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => Configure(o.JsonSerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}

/// <summary>
/// Strings with a NUL character are refused where they are read (400 naming the field): PostgreSQL cannot
/// store them, and no clinic text needs one.
/// </summary>
public sealed class NoNulStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        return value is not null && value.Contains('\0', StringComparison.Ordinal)
            ? throw new JsonException("A string holds a NUL character.")
            : value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>Parses the kebab-case names enums have in JSON, for query-string filters.</summary>
public static class KebabEnum
{
    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Name(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    public static string Names<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Name));
}
