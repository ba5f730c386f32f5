using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using ClinicApi.Outcomes;
using FluentValidation.Validators;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ClinicApi.Infrastructure;

/// <summary>
/// The allowed values of a string member (a query filter, a code), for the OpenAPI document's <c>enum</c>: the
/// kebab-case names of an enum type, or a static list of strings on a type, plus any extra values. The validator
/// of the member checks the same source, so the two cannot drift.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OpenApiValuesAttribute(Type source, string? member = null) : Attribute
{
    public string[] Extra { get; init; } = [];

    public IReadOnlyList<string> Values()
    {
        var values = source.IsEnum
            ? Enum.GetNames(source).Select(JsonNamingPolicy.KebabCaseLower.ConvertName)
            : source.GetMember(member ?? throw new InvalidOperationException("A member naming the list is needed."), BindingFlags.Public | BindingFlags.Static)
                .Single() switch
            {
                PropertyInfo p => (IEnumerable<string>)p.GetValue(null)!,
                FieldInfo f => (IEnumerable<string>)f.GetValue(null)!,
                var other => throw new InvalidOperationException($"{other.Name} is not a static list of strings."),
            };
        return [.. Extra, .. values];
    }

    /// <summary>The values as an OpenAPI <c>enum</c>.</summary>
    public List<JsonNode> EnumNodes() => [.. Values().Select(v => (JsonNode)JsonValue.Create(v)!)];
}

/// <summary>An If-Match-guarded update (<see cref="EndpointConventions.ProducesConcurrencyProblems"/>).</summary>
public sealed class RequiresIfMatchMetadata;

/// <summary>An operation that replays its first answer for a repeated <c>Idempotency-Key</c>.</summary>
public sealed class AcceptsIdempotencyKeyMetadata;

/// <summary>
/// What FluentValidation's validator for a request type says of one member, unconditionally: required, bounds and
/// lengths. The OpenAPI document is derived from it, so the document says what the server enforces.
/// </summary>
internal sealed record MemberRules(bool Required, decimal? Minimum, decimal? Maximum, bool ExclusiveMinimum, bool ExclusiveMaximum, int? MinLength, int? MaxLength)
{
    public static MemberRules? For(IServiceProvider services, Type container, string member)
    {
        if (services.GetService(typeof(IValidator<>).MakeGenericType(container)) is not IValidator validator)
        {
            return null;
        }

        bool required = false, exclusiveMin = false, exclusiveMax = false;
        decimal? minimum = null, maximum = null;
        int? minLength = null, maxLength = null;
        foreach (var rule in validator.CreateDescriptor().GetRulesForMember(member))
        {
            foreach (var component in rule.Components)
            {
                // A rule that applies only sometimes (When/Unless) says nothing the document can promise.
                if (component.HasCondition || component.HasAsyncCondition)
                {
                    continue;
                }

                switch (component.Validator)
                {
                    case INotNullValidator:
                        required = true;
                        break;
                    case INotEmptyValidator:
                        required = true;
                        minLength = Math.Max(minLength ?? 0, 1);
                        break;
                    case ILengthValidator length:
                        minLength = length.Min > 0 ? Math.Max(minLength ?? 0, length.Min) : minLength;
                        maxLength = length.Max > 0 ? length.Max : maxLength;
                        break;
                    case IBetweenValidator between when Number(between.From) is { } from && Number(between.To) is { } to:
                        var exclusive = between.Name.StartsWith("Exclusive", StringComparison.Ordinal);
                        (minimum, maximum, exclusiveMin, exclusiveMax) = (from, to, exclusive, exclusive);
                        break;
                    case IComparisonValidator { ValueToCompare: var value } comparison when Number(value) is { } bound:
                        switch (comparison.Comparison)
                        {
                            case Comparison.GreaterThanOrEqual:
                                (minimum, exclusiveMin) = (bound, false);
                                break;
                            case Comparison.GreaterThan:
                                (minimum, exclusiveMin) = (bound, true);
                                break;
                            case Comparison.LessThanOrEqual:
                                (maximum, exclusiveMax) = (bound, false);
                                break;
                            case Comparison.LessThan:
                                (maximum, exclusiveMax) = (bound, true);
                                break;
                        }

                        break;
                }
            }
        }

        return new(required, minimum, maximum, exclusiveMin, exclusiveMax, minLength, maxLength);
    }

    private static decimal? Number(object? value) => value switch
    {
        int i => i,
        long l => l,
        double d when !double.IsInfinity(d) && !double.IsNaN(d) => (decimal)d,
        decimal m => m,
        _ => null,
    };

    /// <summary>Writes the bounds onto a schema of the member's own type (numbers get minimum/maximum, strings lengths).</summary>
    public void ApplyTo(OpenApiSchema schema)
    {
        var type = schema.Type ?? 0;
        if (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number))
        {
            if (Minimum is { } min)
            {
                if (ExclusiveMinimum)
                {
                    schema.ExclusiveMinimum = min.ToString(CultureInfo.InvariantCulture);
                }
                else
                {
                    schema.Minimum = min.ToString(CultureInfo.InvariantCulture);
                }
            }

            if (Maximum is { } max)
            {
                if (ExclusiveMaximum)
                {
                    schema.ExclusiveMaximum = max.ToString(CultureInfo.InvariantCulture);
                }
                else
                {
                    schema.Maximum = max.ToString(CultureInfo.InvariantCulture);
                }
            }
        }
        else if (type.HasFlag(JsonSchemaType.String))
        {
            schema.MinLength = MinLength ?? schema.MinLength;
            schema.MaxLength = MaxLength ?? schema.MaxLength;
        }
        else if (type.HasFlag(JsonSchemaType.Array) && Required && MinLength is { } least)
        {
            schema.MinItems = least;
        }
    }
}

/// <summary>
/// Makes each schema say exactly what travels. Responses: every member is always written (nulls included), so
/// every member is required and the nullable ones say so (OpenAPI 3.1: a type array with "null", and a nullable
/// <c>$ref</c> as <c>anyOf</c> of the reference and null). Requests: a member is required when its
/// validator always demands it, nullable otherwise; bounds and lengths come from the same validator; enum-like
/// strings list their values.
/// </summary>
internal sealed class ExactSchemas(IServiceProvider services) : ISchemaFilter
{
    private static readonly NullabilityInfoContext s_nullability = new();

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema target || target.Properties is not { Count: > 0 } properties || context.Type is null ||
            context.Type.Assembly != typeof(ExactSchemas).Assembly && context.Type.Assembly != typeof(Instruments).Assembly)
        {
            return;
        }

        var isRequest = services.GetService(typeof(IValidator<>).MakeGenericType(context.Type)) is not null;
        target.Required ??= new HashSet<string>();
        foreach (var property in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (!properties.TryGetValue(name, out var member))
            {
                continue;
            }

            var rules = isRequest ? MemberRules.For(services, context.Type, property.Name) : null;
            var required = isRequest ? rules?.Required == true : true;
            var nullable = isRequest ? !required : IsNullable(property);
            if (required)
            {
                target.Required.Add(name);
            }
            else
            {
                target.Required.Remove(name);
            }

            member = Nullable(member, nullable);
            if (member is OpenApiSchema own)
            {
                rules?.ApplyTo(own);
                if (property.GetCustomAttribute<OpenApiValuesAttribute>() is { } values)
                {
                    own.Enum = values.EnumNodes();
                }

                if (!isRequest && property.GetCustomAttribute<ClinicalAttribute>() is not null)
                {
                    own.Description = ClinicalAttribute.Description;
                    own.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                    own.Extensions["x-clinical"] = new JsonNodeExtension(JsonValue.Create(true));
                }
            }

            properties[name] = member;
        }
    }

    private static bool IsNullable(PropertyInfo property) =>
        property.PropertyType.IsValueType
            ? System.Nullable.GetUnderlyingType(property.PropertyType) is not null
            : s_nullability.Create(property).ReadState != NullabilityState.NotNull;

    /// <summary>The member's schema with <c>nullable</c> set as asked; a <c>$ref</c> is wrapped in <c>allOf</c> to carry it.</summary>
    internal static IOpenApiSchema Nullable(IOpenApiSchema member, bool nullable)
    {
        switch (member)
        {
            case OpenApiSchemaReference reference when nullable:
                return new OpenApiSchema { AnyOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Null }] };
            case OpenApiSchema { AllOf: [OpenApiSchemaReference only], Properties: null or { Count: 0 } } wrapper when !nullable:
                return wrapper.Description is null ? only : wrapper;
            case OpenApiSchema own when own.Type is { } type:
                own.Type = nullable ? type | JsonSchemaType.Null : type & ~JsonSchemaType.Null;
                return own;
            default:
                return member;
        }
    }
}

/// <summary>
/// Query and route parameters as a client writes them: camelCase names (binding is case-insensitive, the document
/// is not), required where the validator always demands them, with their bounds and allowed values.
/// </summary>
internal sealed class ExactParameters(IServiceProvider services) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.Parameters is null)
        {
            return;
        }

        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>())
        {
            var description = context.ApiDescription.ParameterDescriptions.FirstOrDefault(d => string.Equals(d.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
            if (parameter.In == ParameterLocation.Query)
            {
                parameter.Name = JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);
            }

            if (description?.ModelMetadata is not { ContainerType: { } container, PropertyName: { } property })
            {
                continue;
            }

            var rules = MemberRules.For(services, container, property);
            if (rules?.Required == true)
            {
                parameter.Required = true;
            }

            if (parameter.Schema is OpenApiSchema schema)
            {
                rules?.ApplyTo(schema);
                if (container.GetProperty(property)?.GetCustomAttribute<OpenApiValuesAttribute>() is { } values)
                {
                    schema.Enum = values.EnumNodes();
                }

                if (parameter.Required == true)
                {
                    ExactSchemas.Nullable(schema, false);
                }
            }
        }
    }
}

/// <summary>
/// The answers and headers every operation shares, declared on each: a problem+json body for every error status,
/// 401/403 on authenticated operations, 413/415 where a JSON body is read, 429 (rate limit, with Retry-After),
/// 500, 503 (database away, with Retry-After); <c>X-Trace-Id</c> on every answer, <c>ETag</c> where the answer is
/// a versioned resource, <c>Location</c> on 201; <c>If-Match</c> and <c>Idempotency-Key</c> where the operation
/// reads them.
/// </summary>
internal sealed class ContractResponses : IOperationFilter
{
    public const string ProblemSchema = "ProblemDetails";

    public const string HeadersTooLarge = "The request's headers together exceed 32 KiB.";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= [];
        operation.Parameters ??= [];
        var problem = new OpenApiSchemaReference(ProblemSchema, context.Document);
        var anonymous = metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any();
        var hasBody = operation.RequestBody is not null;

        if (metadata.OfType<RequiresIfMatchMetadata>().Any())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match", In = ParameterLocation.Header, Required = true,
                Description = "The ETag of the last GET (or write) of the resource, e.g. \"3\". Missing: 428; stale: 412.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1 },
                Example = JsonValue.Create("\"1\""),
            });
        }

        if (metadata.OfType<AcceptsIdempotencyKeyMetadata>().Any())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Idempotency.Header, In = ParameterLocation.Header, Required = false,
                Description = "Any unique string (a UUID) per intended write: a retry with the same key and body gets the first answer again; the same key with another body is 422.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Idempotency.MaxKeyLength },
                Example = JsonValue.Create("5f0c2f8e-3a1b-4c7d-9e2f-0a1b2c3d4e5f"),
            });
        }

        Add(operation, "500", "An unexpected error; the body carries only a trace id.");
        Add(operation, "503", "The database is not reachable; retry later. Nothing was changed unless the body says so.", retryAfter: true);
        Add(operation, "429", "Too many requests from this client; wait for Retry-After seconds.", retryAfter: true);
        Add(operation, "431", HeadersTooLarge);
        if (!anonymous)
        {
            Add(operation, "401", "No valid bearer token.");
            Add(operation, "403", "The token's role may not use this operation.");
        }

        if (hasBody)
        {
            Add(operation, "413", "The request body is larger than the API accepts.");
            Add(operation, "415", "The body is not in a media type this operation reads.");
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse answer)
            {
                continue;
            }

            answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
            answer.Headers.TryAdd(TraceIds.HeaderName, Header("The request's trace id, also in every problem body and in the server's log.", "4bf92f3577b34da6a3ce929d0e0e4736"));
            if (status == "201")
            {
                answer.Headers.TryAdd("Location", Header("The URL of the created resource.", "/patients/0193a5b2-7c1d-7e4f-8a9b-1c2d3e4f5a6b"));
            }

            if (status.StartsWith('2') && Versioned(answer, context))
            {
                answer.Headers.TryAdd("ETag", Header("The resource's version as an ETag: send it back in If-Match to change the resource.", "\"1\""));
            }

            if (status.StartsWith('4') || status.StartsWith('5'))
            {
                answer.Content ??= new Dictionary<string, OpenApiMediaType>();
                if (answer.Content.Count == 0)
                {
                    answer.Content["application/problem+json"] = new OpenApiMediaType { Schema = problem };
                }
            }
        }
    }

    private static void Add(OpenApiOperation operation, string status, string description, bool retryAfter = false)
    {
        operation.Responses!.TryAdd(status, new OpenApiResponse { Description = description });
        if (retryAfter && operation.Responses[status] is OpenApiResponse response)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers.TryAdd("Retry-After", new OpenApiHeader
            {
                Description = "Seconds to wait before retrying.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" },
            });
        }
    }

    private static OpenApiHeader Header(string description, string example) => new()
    {
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        Example = JsonValue.Create(example),
    };

    /// <summary>An answer whose body is a resource with a <c>version</c> member: the API sends its ETag.</summary>
    private static bool Versioned(OpenApiResponse answer, OperationFilterContext context) =>
        answer.Content?.Values.Any(m => Resolve(m.Schema, context)?.Properties?.ContainsKey("version") == true) == true;

    private static IOpenApiSchema? Resolve(IOpenApiSchema? schema, OperationFilterContext context) =>
        schema is OpenApiSchemaReference { Reference.Id: { } id } && context.SchemaRepository.Schemas.TryGetValue(id, out var target) ? target : schema;
}

/// <summary>
/// The document as a whole: licence, servers, tag descriptions, the how-to-get-a-token note, the shared
/// ProblemDetails schema with its extension members, and the health endpoints (mapped outside minimal APIs, so
/// not seen by the API explorer).
/// </summary>
internal sealed class ContractDocument : IDocumentFilter
{
    private static readonly Dictionary<string, string> s_tags = new(StringComparer.Ordinal)
    {
        ["Auth"] = "Who the caller is, and development tokens.",
        ["Patients"] = "Registration, demographics, archiving, export and erasure of patients.",
        ["Therapists"] = "Physiotherapists, their competencies, working hours and time off.",
        ["Treatment arms"] = "The protocols of combined care and their evidence.",
        ["Episodes of care"] = "Enrolment in an arm, change of arm, completion.",
        ["Screening"] = "STarT Back screening and matched care.",
        ["Studies"] = "Stratified randomised allocation to arms.",
        ["Evidence"] = "The published effects the reports compare with.",
        ["Scheduling"] = "Sessions: booking, protocol series, attendance, calendars and free slots.",
        ["Measurements"] = "Outcome measurements, corrections, imports, follow-ups and adverse events.",
        ["Reports"] = "Trajectories, worklists, cohort and therapist reports.",
        ["Audit"] = "The append-only audit trail.",
        ["Health"] = "Liveness and readiness for orchestrators.",
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Info.License = new OpenApiLicense { Name = "Proprietary: for the clinics that run ClinicApi", Identifier = "LicenseRef-ClinicApi-Proprietary" };
        document.Servers = [new OpenApiServer { Url = "/", Description = "The API itself (the document is served by it)." }];
        document.Tags = new HashSet<OpenApiTag>(s_tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ContractResponses.ProblemSchema] = ProblemDetails();
        // The validation filter's 400 is the same shape, with errors where a field is to blame.
        var validation = ProblemDetails();
        validation.Description = "A 400: the problem details with errors naming each field at fault (where one is).";
        document.Components.Schemas["HttpValidationProblemDetails"] = validation;
        Health(document, "/health/live", "GetLiveness", "Liveness: the process answers (no dependency is checked)");
        Health(document, "/health/ready", "GetReadiness", "Readiness: the database answers and its schema is current");
    }

    private static OpenApiSchema ProblemDetails()
    {
        static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = description };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details. Every error answer has one; the extension members appear where they apply.",
            Required = new HashSet<string> { "title", "status" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Text("A URI reference identifying the problem type."),
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the problem type." },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "400", Maximum = "599" },
                ["detail"] = Text("What went wrong with this request, for a person to read."),
                ["instance"] = Text("Unused (always null)."),
                ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace id (also the X-Trace-Id header)." },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "400 only: the messages per field, keyed by the field's JSON path (contact.phoneNumber, ranges[0]).",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
                ["clashingSessionId"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", Description = "409 of a booking: the session already in the slot." },
                ["conflicts"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Description = "409 of a series: the dates that could not be booked and why.",
                    Items = new OpenApiSchemaReference("SlotConflict", null),
                },
                ["missingCompetencies"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Description = "409 of an enrolment: the competencies the arm needs that the therapist lacks.",
                    Items = new OpenApiSchemaReference("Competency", null),
                },
            },
        };
    }

    private static void Health(OpenApiDocument document, string path, string id, string summary)
    {
        static OpenApiResponse Text(string description, string example) => new()
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["text/plain"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Healthy")!, JsonValue.Create("Degraded")!, JsonValue.Create("Unhealthy")!] }, Example = JsonValue.Create(example) },
            },
        };

        document.Paths[path] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new OpenApiOperation
                {
                    Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
                    Summary = summary,
                    OperationId = id,
                    Security = [],
                    Responses = new OpenApiResponses
                    {
                        ["200"] = Text("Healthy.", "Healthy"),
                        ["431"] = new OpenApiResponse
                        {
                            Description = ContractResponses.HeadersTooLarge,
                            Content = new Dictionary<string, OpenApiMediaType>
                            {
                                ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ContractResponses.ProblemSchema, document) },
                            },
                        },
                        ["503"] = Text("Not ready (or not alive).", "Unhealthy"),
                    },
                },
            },
        };
    }
}
