using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ClinicApi.Infrastructure;

/// <summary>
/// Every request body and response in the OpenAPI document gets an example, built from its schema: what a
/// front-end developer reads first, and what Spectral checks for. Values follow the schema (formats, enums,
/// ranges) so that the examples validate against it.
/// </summary>
public sealed class OpenApiExamples : IOperationFilter
{
    private const int MaxDepth = 10;

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<CsvAlternativeAttribute>().Any() &&
            operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse okResponse)
        {
            okResponse.Content ??= new Dictionary<string, OpenApiMediaType>();
            okResponse.Content["text/csv"] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = JsonValue.Create("row_type,arm,timepoint,...\nsummary,physio,week-22,10,10,5,-1.2,..."),
            };
        }

        foreach (var (type, media) in operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
        {
            media.Example ??= type == "text/csv"
                ? JsonValue.Create("medical_record_number,instrument,taken_at,score,items,episode_id\nMRN-204817,pain-nrs,2026-11-30T09:30:00Z,6,,\nMRN-204817,odi,2026-11-30 09:40,,2;1;3;0;2;1;2;1;0;2,\n")
                : OpenApiRequestExamples.For((media.Schema as OpenApiSchemaReference)?.Reference.Id) ?? Example(media.Schema, context, 0);
        }

        if (operation.Responses is null)
        {
            return;
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (response.Content is null)
            {
                continue;
            }

            foreach (var pair in response.Content)
            {
                pair.Value.Example ??= pair.Key.Contains("problem", StringComparison.Ordinal)
                    ? Problem(Example(pair.Value.Schema, context, 0) as JsonObject ?? [], status, response.Description)
                    : Example(pair.Value.Schema, context, 0);
            }
        }
    }

    /// <summary>A ProblemDetails example for the status, shaped by its schema (validation problems carry <c>errors</c>).</summary>
    private static JsonObject Problem(JsonObject fromSchema, string status, string? description)
    {
        fromSchema["type"] = "https://tools.ietf.org/html/rfc9110";
        fromSchema["title"] = status == "400" ? "One or more validation errors occurred." : description ?? "Problem";
        fromSchema["status"] = int.TryParse(status, System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : 400;
        fromSchema["detail"] = description ?? "See the title.";
        fromSchema["instance"] = null;
        if (fromSchema.ContainsKey("errors"))
        {
            fromSchema["errors"] = new JsonObject { ["fieldName"] = new JsonArray("The field is required.") };
        }

        fromSchema["traceId"] = "4bf92f3577b34da6a3ce929d0e0e4736";
        return fromSchema;
    }

    /// <summary>Strings a reader recognises, by member name, where the schema alone would only say "text".</summary>
    private static readonly Dictionary<string, string> s_strings = new(StringComparer.Ordinal)
    {
        ["givenName"] = "Ada", ["familyName"] = "Lovelace", ["medicalRecordNumber"] = "MRN-204817", ["email"] = "ada.lovelace@example.org",
        ["phone"] = "+44 20 7946 0958", ["registrationNumber"] = "PH-118204", ["userId"] = "7d444840-9dc0-41cc-b0d4-b4b1e1b6c2a1",
        ["code"] = "physio-cbt", ["armCode"] = "physio-cbt", ["comparatorArmCode"] = "physio", ["name"] = "Physiotherapy + cognitive behavioural therapy",
        ["instrument"] = "pain-nrs", ["timepoint"] = "week-6", ["reason"] = "Patient asked to move the session", ["referralReason"] = "GP referral",
        ["notes"] = "Prefers morning appointments.", ["description"] = "Supervised exercise with graded activity.", ["localStart"] = "2026-12-07T09:00:00",
        ["startsAt"] = "09:00", ["endsAt"] = "17:00", ["startTime"] = "09:00", ["token"] = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
        ["role"] = "therapist", ["subject"] = "7d444840-9dc0-41cc-b0d4-b4b1e1b6c2a1", ["citation"] = "Bemani et al. 2023",
        ["cursor"] = "WyJMb3ZlbGFjZSIsIkFkYSIsIjAxOTMiXQ", ["nextCursor"] = "WyJMb3ZlbGFjZSIsIkFkYSIsIjAxOTMiXQ",
    };

    private static JsonNode? Example(IOpenApiSchema? schema, OperationFilterContext context, int depth, string? name = null)
    {
        if (schema is OpenApiSchemaReference reference)
        {
            schema = reference.Reference.Id is { } id && context.SchemaRepository.Schemas.TryGetValue(id, out var target) ? target : null;
        }

        if (schema is null || depth > MaxDepth)
        {
            return null;
        }

        if (schema.Enum is { Count: > 0 } values)
        {
            return values[0]?.DeepClone();
        }

        if (schema.AllOf is { Count: > 0 } all)
        {
            return Example(all[0], context, depth + 1, name);
        }

        // A nullable reference (anyOf [$ref, null]): the example shows the value, not the null.
        if (schema.AnyOf is { Count: > 0 } any)
        {
            return Example(any.FirstOrDefault(a => a is OpenApiSchemaReference) ?? any[0], context, depth + 1, name);
        }

        if (schema.OneOf is { Count: > 0 } one)
        {
            return Example(one[0], context, depth + 1, name);
        }

        var type = schema.Type ?? JsonSchemaType.Object;
        if (type.HasFlag(JsonSchemaType.Array))
        {
            return Example(schema.Items, context, depth + 1) is { } item ? new JsonArray(item) : new JsonArray();
        }

        if (type.HasFlag(JsonSchemaType.String))
        {
            return schema.Format switch
            {
                "uuid" => "0193a5b2-7c1d-7e4f-8a9b-1c2d3e4f5a6b",
                "date-time" => "2026-11-30T09:30:00Z",
                "date" when name == "dateOfBirth" => "1978-04-12",
                "date" => "2026-11-30",
                null when name is not null && s_strings.TryGetValue(name, out var known) => known,
                "time" => "09:00:00",
                "email" => "someone@clinic.example",
                "uri" => "https://clinic.example/",
                _ => "text",
            };
        }

        if (type.HasFlag(JsonSchemaType.Integer))
        {
            return Number(schema, 1);
        }

        if (type.HasFlag(JsonSchemaType.Number))
        {
            return Number(schema, 1.5);
        }

        if (type.HasFlag(JsonSchemaType.Boolean))
        {
            return true;
        }

        var example = new JsonObject();
        foreach (var (member, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            example[member] = Example(property, context, depth + 1, member);
        }

        if (schema.AdditionalProperties is { } values2 && example.Count == 0 && Example(values2, context, depth + 1) is { } value)
        {
            example["key"] = value;
        }

        return example;
    }

    private static JsonValue Number(IOpenApiSchema schema, double fallback)
    {
        var minimum = decimal.TryParse(schema.Minimum, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var min) ? (double?)min : null;
        var maximum = decimal.TryParse(schema.Maximum, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var max) ? (double?)max : null;
        var value = minimum ?? (maximum is { } m && m < fallback ? m : fallback);
        return schema.Type!.Value.HasFlag(JsonSchemaType.Integer) ? JsonValue.Create((long)Math.Ceiling(value)) : JsonValue.Create(value);
    }
}

/// <summary>Endpoint metadata: with <c>Accept: text/csv</c> the 200 answer is CSV instead of JSON.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CsvAlternativeAttribute : Attribute;
