using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ClinicApi.Infrastructure;

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
                Description = "Physiotherapy clinics treating chronic low back pain: patients, therapists, arms, sessions, outcomes and reports.",
            });
            o.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from the clinic's identity provider (in Development: POST /auth/dev-token).",
            });
            o.OperationFilter<AuthorizationResponsesFilter>();
            o.OperationFilter<OpenApiExamples>();
            o.SchemaFilter<RequiredNonNullableProperties>();
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
        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint(DocumentPath, "ClinicApi v1");
            o.RoutePrefix = "swagger";
        });
        return app;
    }

    /// <summary>Operations that need a token say so, with their 401 and 403 answers; anonymous ones do not.</summary>
    private sealed class AuthorizationResponsesFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                return;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
            });
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid bearer token." });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token's role may not use this operation." });
        }
    }
}
