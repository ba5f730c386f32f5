using ClinicApi.Data;
using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Audit;

/// <summary>Endpoint metadata: this endpoint reads or writes patient data of the named resource type, so every call is audited.</summary>
public sealed record AuditedAttribute(string ResourceType);

public static class AuditConventions
{
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string resourceType) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditedAttribute(resourceType));

    /// <summary>The batching writer of read, refusal and failure rows: one instance, started and drained with the host.</summary>
    public static IServiceCollection AddClinicAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
        return services;
    }
}

/// <summary>
/// The audit facts of the current request, flowing with it (AsyncLocal) so that <see cref="ClinicDbContext"/>
/// can add the audit row to the very SaveChanges that writes the change: one transaction for both.
/// </summary>
public sealed class AuditScope
{
    private static readonly AsyncLocal<AuditScope?> s_current = new();

    public static AuditScope? Current
    {
        get => s_current.Value;
        private set => s_current.Value = value;
    }

    public required string UserId { get; init; }

    public required string Role { get; init; }

    public required string Action { get; init; }

    public required string ResourceType { get; init; }

    public Guid? ResourceId { get; set; }

    public required string TraceId { get; init; }

    /// <summary>When the request arrived (the clinic clock).</summary>
    public required DateTime At { get; init; }

    /// <summary>Set once a write's audit row committed with it.</summary>
    public bool Written { get; set; }

    /// <summary>A care-team check hid the resource (answered 404): recorded as denied.</summary>
    public bool Denied { get; set; }

    public AuditEvent ToEvent(AuditOutcome outcome, int? statusCode) => new()
    {
        At = At,
        UserId = UserId,
        Role = Role,
        Action = Action,
        ResourceType = ResourceType,
        ResourceId = ResourceId,
        Outcome = outcome,
        StatusCode = statusCode,
        TraceId = TraceId,
    };

    public static IDisposable Begin(AuditScope scope)
    {
        Current = scope;
        return new Reset();
    }

    private sealed class Reset : IDisposable
    {
        public void Dispose() => Current = null;
    }
}

/// <summary>
/// Audits every call of an endpoint marked <see cref="AuditedAttribute"/>. Writes record themselves inside
/// their own SaveChanges (see <see cref="ClinicDbContext"/>); reads, refusals and failures are handed to the
/// batching <see cref="AuditWriter"/> once the response status is known. Runs after authentication, before authorization, so a 403 is recorded too.
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditWriter writer, ILogger<AuditMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, ClinicClock clock)
    {
        var endpoint = context.GetEndpoint();
        var audited = endpoint?.Metadata.GetMetadata<AuditedAttribute>();
        if (audited is null)
        {
            await next(context);
            return;
        }

        var scope = new AuditScope
        {
            UserId = context.User.FindFirst(AuthSetup.SubjectClaim)?.Value ?? "anonymous",
            Role = context.User.FindFirst(AuthSetup.RoleClaim)?.Value ?? "none",
            Action = endpoint!.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? context.Request.Method,
            ResourceType = audited.ResourceType,
            ResourceId = Guid.TryParse(context.GetRouteValue("id")?.ToString(), out var id) ? id : null,
            TraceId = TraceIds.Current(context),
            At = clock.UtcNow,
        };
        using (AuditScope.Begin(scope))
        {
            try
            {
                await next(context);
            }
            finally
            {
                if (!scope.Written)
                {
                    await RecordAsync(context, scope);
                }
            }
        }
    }

    private async Task RecordAsync(HttpContext context, AuditScope scope)
    {
        var status = context.Response.StatusCode;
        var outcome = scope.Denied || status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden
            ? AuditOutcome.Denied
            : status < 400 ? AuditOutcome.Allowed : AuditOutcome.Failed;
        scope.Written = true;
        try
        {
            await writer.EnqueueAsync(scope.ToEvent(outcome, status));
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // Only while the API shuts down after its requests drained; ids only.
            logger.LogError("Could not record the audit event of {Action} ({Outcome}, trace {TraceId}): shutting down", scope.Action, outcome, scope.TraceId);
        }
    }
}
