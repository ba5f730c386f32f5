namespace ClinicApi.Data;

public enum AuditOutcome
{
    Allowed,
    Denied,
    Failed,
}

/// <summary>
/// One read or write of patient data: who, with which role, which operation on which resource, how it ended,
/// when, and the request's trace id. Append-only: the API has no route that changes or deletes it, and the
/// database refuses UPDATE and DELETE on the table (triggers).
/// </summary>
public sealed class AuditEvent
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public DateTime At { get; init; }

    public required string UserId { get; init; }

    public required string Role { get; init; }

    /// <summary>The operation (the endpoint's name, e.g. <c>GetPatient</c>).</summary>
    public required string Action { get; init; }

    public required string ResourceType { get; init; }

    public Guid? ResourceId { get; init; }

    /// <summary>
    /// The patient whose data the call read or wrote, whatever the route's resource (a session, a measurement, a
    /// search result): what the patient's accounting of disclosures is built from. One row per patient when a
    /// call disclosed several (a search, a day sheet); null when it disclosed none.
    /// </summary>
    public Guid? PatientId { get; init; }

    public AuditOutcome Outcome { get; init; }

    /// <summary>The response status; null when the row was written inside the change's own transaction, before the response.</summary>
    public int? StatusCode { get; init; }

    public required string TraceId { get; init; }
}
