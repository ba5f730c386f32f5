using ClinicApi.Features.Audit;

namespace ClinicApi.Infrastructure;

/// <summary>
/// The one table of which routes reach patient data: those are audited, and those whose <c>{id}</c> leads to a
/// patient get the care-team check. Applied to the whole API by route, so a new route under a patient-data
/// prefix is covered without anyone remembering to; the authorization matrix test reads the same table.
/// </summary>
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
        });
        return api;
    }

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
        _ => null,
    };
}
