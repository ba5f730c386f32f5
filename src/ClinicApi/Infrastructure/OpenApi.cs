using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ClinicApi.Infrastructure;

/// <summary>Section <c>OpenApi</c>.</summary>
public sealed class OpenApiOptions
{
    public const string Section = "OpenApi";

    /// <summary>
    /// Serve the document and Swagger UI. Unset: on everywhere but Production, where the document would tell any
    /// anonymous caller every route and field of a health-data API; a clinic that wants it there says so.
    /// </summary>
    public bool? Expose { get; set; }
}

public static class OpenApiSetup
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/swagger/v1/swagger.json";
    private const string BearerScheme = "Bearer";

    public static IServiceCollection AddClinicOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "ClinicApi",
                Version = "v1",
                Description = """
                    Physiotherapy clinics treating chronic low back pain: patients, therapists, arms, sessions, outcomes and reports.

                    **Getting a token (Development).** `POST /auth/dev-token` with `{"role": "admin"}` (or `frontdesk`,
                    `therapist`, `manager`; a therapist also sends `"subject"`, the `userId` of their therapist record)
                    answers `{"token": "..."}`. Press **Authorize** and paste the token. Outside Development, tokens come
                    from the clinic's identity provider. `GET /me` tells who a token is.

                    **Conventions.** Updates need `If-Match` with the ETag of the last read (missing: 428, stale: 412).
                    Unknown JSON members, repeated members and numbers sent as strings are refused with 400. Every
                    member of an answer is always present; `null` where the schema says nullable. Every error is
                    `application/problem+json` with a `traceId`. See docs/conventions.md.
                    """,
            });
            o.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from the clinic's identity provider (in Development: POST /auth/dev-token).",
            });
            o.OperationFilter<AuthorizationResponsesFilter>();
            o.OperationFilter<ExactParameters>();
            o.OperationFilter<ContractResponses>();
            o.OperationFilter<OpenApiExamples>();
            o.SchemaFilter<ExactSchemas>();
            o.DocumentFilter<ContractDocument>();
            o.SupportNonNullableReferenceTypes();
            o.CustomSchemaIds(SchemaId);
        });
        return services;
    }

    /// <summary><c>ListPatients.Query</c> -> <c>ListPatientsQuery</c>; <c>Page&lt;PatientResponse&gt;</c> -> <c>PatientResponsePage</c>.</summary>
    private static string SchemaId(Type type)
    {
        var name = type.IsGenericType
            ? string.Concat(type.GetGenericArguments().Select(SchemaId)) + type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]
            : type.Name;
        return type.DeclaringType is { } outer ? outer.Name + name : name;
    }

    public static WebApplication UseClinicOpenApi(this WebApplication app)
    {
        var options = app.Configuration.GetSection(OpenApiOptions.Section).Get<OpenApiOptions>() ?? new OpenApiOptions();
        if (!(options.Expose ?? !app.Environment.IsProduction()))
        {
            return app;
        }

        // OpenAPI 3.1: a nullable reference is anyOf [$ref, null] there, which every validator reads the same way;
        // 3.0's nullable beside allOf is read differently by different tools (and wrongly by most).
        app.UseSwagger(o => o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1);
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint(DocumentPath, "ClinicApi v1");
            o.RoutePrefix = "swagger";
            // No badge from an outside validator: the page must not call out of the clinic's network.
            o.EnableValidator(null);
            o.EnablePersistAuthorization();
        });
        return app;
    }

    /// <summary>Operations that need a token say so (their 401 and 403 come from <see cref="ContractResponses"/>); anonymous ones say they need none.</summary>
    private sealed class AuthorizationResponsesFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            // An anonymous operation says so with an empty requirement, rather than by saying nothing.
            operation.Security = [];
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                return;
            }

            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
            });
        }
    }
}
