using ClinicApi.Data;
using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Audit;

/// <summary>Endpoint metadata: this endpoint reads or writes patient data of the named resource type, so every call is audited.</summary>
public sealed record AuditedAttribute(string ResourceType);

public static class AuditConventions
{
    /// <summary>Audits every call of the endpoint under the resource type (outside the patient-data routes, which are audited by route).</summary>
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder builder, string resourceType) =>
        builder.WithMetadata(new AuditedAttribute(resourceType));

    /// <summary>
    /// The request's audit facts (scoped), the interceptor that writes a change's audit row inside the change's own
    /// SaveChanges, and the batching writer of read, refusal and failure rows (one instance, started and drained
    /// with the host).
    /// </summary>
    public static IServiceCollection AddClinicAudit(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<RequestAudit>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, AuditInterceptor>();
        services.AddSingleton<AuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
        return services;
    }
}

/// <summary>The audit facts of one audited request, gathered by <see cref="AuditMiddleware"/>.</summary>
public sealed class AuditScope
{
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

    /// <summary>The patients whose data this call read or wrote (the route's patient, the response's, the change's).</summary>
    public HashSet<Guid> PatientIds { get; } = [];

    /// <summary>The call's audit rows: one per patient it concerned (so each patient's accounting is complete), or one without a patient.</summary>
    public IEnumerable<AuditEvent> ToEvents(AuditOutcome outcome, int? statusCode) =>
        PatientIds.Count == 0 ? [ToEvent(outcome, statusCode, null)] : PatientIds.Order().Select(p => ToEvent(outcome, statusCode, p));

    private AuditEvent ToEvent(AuditOutcome outcome, int? statusCode, Guid? patientId) => new()
    {
        PatientId = patientId,
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
}

/// <summary>
/// Scoped to the request: the audit facts of an audited endpoint's call (null for every other call). The
/// middleware sets them; <see cref="AuditInterceptor"/> reads them when the request saves a change.
/// </summary>
public sealed class RequestAudit
{
    public AuditScope? Current { get; set; }
}

/// <summary>
/// Audits every call of an endpoint marked <see cref="AuditedAttribute"/>. Writes record themselves inside
/// their own SaveChanges (see <see cref="AuditInterceptor"/>); reads, refusals and failures are handed to the
/// batching <see cref="AuditWriter"/> once the response status is known. Runs after authentication, before authorization, so a 403 is recorded too.
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditWriter writer, ILogger<AuditMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, ClinicClock clock, RequestAudit requestAudit)
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
        requestAudit.Current = scope;
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

    private async Task RecordAsync(HttpContext context, AuditScope scope)
    {
        var status = context.Response.StatusCode;
        var outcome = CareTeam.WasHidden(context) || status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden
            ? AuditOutcome.Denied
            : status < 400 ? AuditOutcome.Allowed : AuditOutcome.Failed;
        scope.Written = true;
        try
        {
            foreach (var row in scope.ToEvents(outcome, status))
            {
                await writer.EnqueueAsync(row);
            }
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // Only while the API shuts down after its requests drained; ids only.
            logger.LogError("Could not record the audit event of {Action} ({Outcome}, trace {TraceId}): shutting down", scope.Action, outcome, scope.TraceId);
        }
    }
}
