using ClinicApi.Features.Audit;

namespace ClinicApi.Infrastructure;

/// <summary>
/// The one table of which routes reach patient data: those are audited, and those whose <c>{id}</c> leads to a
/// patient get the care-team check. Applied to the whole API by route, so a new route under a patient-data
/// prefix is covered without anyone remembering to; the authorization matrix test reads the same table.
/// </summary>
/// <summary>Endpoint metadata: decided to carry no patient data (so neither audited nor care-team checked).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class NotPatientDataAttribute : Attribute;

public static class PatientDataRoutes
{
    public static RouteGroupBuilder WithPatientDataConventions(this RouteGroupBuilder api)
    {
        ((IEndpointConventionBuilder)api).Add(builder =>
        {
            if (builder is RouteEndpointBuilder route && Classify("/" + (route.RoutePattern.RawText ?? string.Empty).Trim('/')) is { } found)
            {
                if (found.Care is { } care)
                {
                    builder.Metadata.Add(new CareTeamAttribute(care));
                }

                builder.Metadata.Add(new AuditedAttribute(found.ResourceType));
            }
            else if (builder is RouteEndpointBuilder other && IsNotPatientData("/" + (other.RoutePattern.RawText ?? string.Empty).Trim('/')))
            {
                builder.Metadata.Add(new NotPatientDataAttribute());
            }
        });
        return api;
    }

    /// <summary>
    /// The routes decided to carry no patient data: staff, catalogues, study set-up, the caller's own identity,
    /// health. A route in neither table is undecided, and <c>PatientDataClassificationTests</c> fails until someone
    /// decides: a new <c>/waitlist</c> or <c>/notes</c> route cannot ship unaudited by omission.
    /// </summary>
    public static bool IsNotPatientData(string route) => route switch
    {
        "/therapists" or "/arms" or "/evidence" or "/instruments" or "/studies" or "/me" or "/auth/dev-token" => true,
        // The audit trail names resources by id only, for the admin who reviews access; it is not itself a disclosure.
        "/audit" => true,
        _ when route.StartsWith("/therapists/{id", StringComparison.Ordinal) && !route.EndsWith("/calendar", StringComparison.Ordinal) => true,
        _ when route.StartsWith("/arms/{id", StringComparison.Ordinal) || route.StartsWith("/evidence/{id", StringComparison.Ordinal) => true,
        _ when route.StartsWith("/instruments/{code", StringComparison.Ordinal) => true,
        "/studies/{id:guid}" or "/studies/{id:guid}/close" => true,
        _ when route.StartsWith("/health/", StringComparison.Ordinal) => true,
        _ => false,
    };

    /// <summary>The care-team resource behind a route's <c>{id}</c> (if any) and the audited resource type; null when the route holds no patient data.</summary>
    public static (CareResource? Care, string ResourceType)? Classify(string route) => route switch
    {
        "/patients" => (null, "patient"),
        _ when route.StartsWith("/patients/{id", StringComparison.Ordinal) => (CareResource.Patient, "patient"),
        "/episodes" => (null, "episode"),
        _ when route.StartsWith("/episodes/{id", StringComparison.Ordinal) => (CareResource.Episode, "episode"),
        "/sessions" => (null, "session"),
        _ when route.StartsWith("/sessions/{id", StringComparison.Ordinal) => (CareResource.Session, "session"),
        "/measurements/import" => (null, "measurement"),
        _ when route.StartsWith("/measurements/{id", StringComparison.Ordinal) => (CareResource.Measurement, "measurement"),
        "/follow-ups" => (null, "follow-up"),
        "/day-sheet" => (null, "session"),
        _ when route.StartsWith("/therapists/{id", StringComparison.Ordinal) && route.EndsWith("/calendar", StringComparison.Ordinal) => (null, "session"),
        _ when route.StartsWith("/worklists/", StringComparison.Ordinal) => (null, "worklist"),
        _ when route.StartsWith("/reports/", StringComparison.Ordinal) => (null, "report"),
        _ when route.StartsWith("/studies/{id", StringComparison.Ordinal) && route.EndsWith("/enrolments", StringComparison.Ordinal) => (null, "allocation"),
        // The allocation audit lists every allocated patient's id, episode and screening.
        _ when route.StartsWith("/studies/{id", StringComparison.Ordinal) && route.EndsWith("/audit", StringComparison.Ordinal) => (null, "allocation"),
        _ => null,
    };
}
