using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace ClinicApi.Features.Health;

/// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the database answers too. Every environment.</summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public const string LivePath = "/health/live";

    public const string ReadyPath = "/health/ready";

    public static IServiceCollection AddClinicHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddDbContextCheck<ClinicDbContext>("database", tags: [ReadyTag]);
        return services;
    }

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().WithMetadata(new NotPatientDataAttribute());
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous().WithMetadata(new NotPatientDataAttribute());
    }
}
