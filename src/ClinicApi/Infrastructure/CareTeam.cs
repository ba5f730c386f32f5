using System.Security.Claims;
using ClinicApi.Data;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Infrastructure;

/// <summary>What the <c>{id}</c> of a patient-data route names.</summary>
public enum CareResource
{
    Patient,
    Episode,
    Session,
    Measurement,
}

/// <summary>Endpoint metadata: the route's <c>{id}</c> leads to a patient, whom a therapist may reach only if in their care.</summary>
public sealed record CareTeamAttribute(CareResource Resource);

/// <summary>The days a care-team check is made on: today (memberships end by date) and the oldest episode end still in care.</summary>
public readonly record struct CareWindow(DateOnly Today, DateOnly EndedSince);

/// <summary>Endpoint metadata: a write to the therapist's schedule named by <c>{id}</c> (<see cref="CareTeam.OwnScheduleOnly"/>).</summary>
public sealed record OwnScheduleAttribute;

/// <summary>A request body that names a patient and the therapist who will treat them (enrolment, booking).</summary>
public interface ICareTeamRequest
{
    Guid? PatientId { get; }

    /// <summary>The therapist the request puts in charge; a therapist may act for a new patient only with themselves here.</summary>
    Guid? CareTherapistId { get; }
}

/// <summary>
/// Care-team access. Front desk and admin reach every patient record their role allows; a therapist reaches a
/// patient only while in their care: primary therapist of an active episode, or of one that ended within the
/// follow-up horizon, or an active member of the patient's care team (added by an admin or the primary therapist);
/// or while the patient is in nobody's care yet (intake: screening and enrolment). Anything
/// else answers 404, exactly as if it did not exist. The signed-in therapist is the
/// therapist record whose <c>userId</c> is the token's subject.
/// </summary>
public static class CareTeam
{
    private const string CacheKey = "care-team-therapist";
    private const string HiddenKey = "care-team-hidden";

    /// <summary>True when this request was answered 404 because the patient is outside the user's care (audited as denied).</summary>
    public static bool WasHidden(HttpContext http) => http.Items.ContainsKey(HiddenKey);

    /// <summary>True when the user's reach is limited to their own patients.</summary>
    public static bool IsRestricted(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Therapist) && !user.IsInRole(Roles.Admin) && !user.IsInRole(Roles.FrontDesk);

    /// <summary>The therapist record of the signed-in user (Guid.Empty when none is linked), looked up once per request.</summary>
    public static async Task<Guid> TherapistIdAsync(HttpContext http, ClinicDbContext db, CancellationToken ct)
    {
        if (http.Items.TryGetValue(CacheKey, out var cached) && cached is Guid known)
        {
            return known;
        }

        // Only an active record counts: a deactivated therapist's token reaches no patient, like an unlinked one.
        var subject = http.User.FindFirst(AuthSetup.SubjectClaim)?.Value;
        var id = subject is null ? Guid.Empty
            : await db.Therapists.AsNoTracking().Where(t => t.UserId == subject && t.IsActive).Select(t => t.Id).FirstOrDefaultAsync(ct);
        http.Items[CacheKey] = id;
        return id;
    }

    /// <summary>
    /// The patients in a therapist's care, as a query to filter by: primary therapist of an episode that is active,
    /// or ended no longer ago than <paramref name="window"/> allows (the follow-up horizon: the therapist still records
    /// the follow-ups), or an active member of the patient's care team. A booked session grants nothing: booking is
    /// scheduling, not a decision about care, and a therapist could otherwise take over any patient by booking them
    /// with themself.
    /// </summary>
    public static IQueryable<Guid> PatientsOf(ClinicDbContext db, Guid therapistId, CareWindow window) =>
        db.Episodes.Where(e => e.PrimaryTherapistId == therapistId && (e.EndDate == null || e.EndDate >= window.EndedSince)).Select(e => e.PatientId)
            .Union(db.CareTeamMembers.Where(m => m.TherapistId == therapistId).Where(CareTeamMember.ActiveOn(window.Today)).Select(m => m.PatientId));

    /// <summary>Today, and the oldest episode end that still keeps a patient in their therapist's care (<c>Outcomes:FollowUpWeeksAfterEnd</c>).</summary>
    public static CareWindow AccessHorizon(HttpContext http)
    {
        var clock = http.RequestServices.GetRequiredService<ClinicClock>();
        var weeks = http.RequestServices.GetRequiredService<ClinicApi.Features.Measurements.OutcomeSettings>().FollowUpWeeksAfterEnd;
        return new CareWindow(clock.Today, clock.Today.AddDays(-7 * weeks));
    }

    /// <summary>
    /// Patients in nobody's care yet (no episode, no session): the intake queue. Any therapist may open them to
    /// screen and enrol; the first episode or booking puts them in one therapist's care.
    /// </summary>
    public static IQueryable<Guid> Unassigned(ClinicDbContext db) =>
        db.Patients.Where(p => !db.Episodes.Any(e => e.PatientId == p.Id) && !db.Sessions.Any(s => s.PatientId == p.Id)).Select(p => p.Id);

    /// <summary>
    /// In the therapist's care, or in the intake queue; a therapist token linked to no active therapist record
    /// (<see cref="Guid.Empty"/>) reaches neither: nobody can say whose care such a user acts in.
    /// </summary>
    public static async Task<bool> InCareAsync(ClinicDbContext db, Guid therapistId, Guid patientId, CareWindow window, CancellationToken ct) =>
        therapistId != Guid.Empty &&
        (await PatientsOf(db, therapistId, window).AnyAsync(p => p == patientId, ct) || await Unassigned(db).AnyAsync(p => p == patientId, ct));

    /// <summary>Applied to the whole API: checks routes marked <see cref="CareTeamAttribute"/> and <see cref="ICareTeamRequest"/> bodies.</summary>
    public static EndpointFilterDelegate Filter(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var bodies = context.MethodInfo.GetParameters()
            .Select((p, i) => (Index: i, p.ParameterType))
            .Where(p => typeof(ICareTeamRequest).IsAssignableFrom(p.ParameterType))
            .Select(p => p.Index).ToArray();
        return async invocation =>
        {
            var http = invocation.HttpContext;
            var marked = http.GetEndpoint()?.Metadata.GetMetadata<CareTeamAttribute>();
            var ownSchedule = http.GetEndpoint()?.Metadata.GetMetadata<OwnScheduleAttribute>() is not null;
            if ((marked is null && bodies.Length == 0 && !ownSchedule) || !IsRestricted(http.User))
            {
                return await next(invocation);
            }

            var db = http.RequestServices.GetRequiredService<ClinicDbContext>();
            var ct = http.RequestAborted;
            if (ownSchedule && !await IsOwnScheduleAsync(http, db, ct))
            {
                return Problems.Forbidden("A therapist changes only their own working hours and time off; the front desk or an admin changes anyone's.");
            }

            var therapistId = await TherapistIdAsync(http, db, ct);
            var window = AccessHorizon(http);
            if (marked is not null && Guid.TryParse(http.GetRouteValue("id")?.ToString(), out var id))
            {
                var patientId = await PatientOfAsync(db, marked.Resource, id, ct);
                if (patientId is { } patient && !await InCareAsync(db, therapistId, patient, window, ct))
                {
                    return Hidden(http, marked.Resource.ToString().ToLowerInvariant(), id, patient);
                }
            }

            foreach (var index in bodies)
            {
                // Naming oneself does not open a patient: the patient must already be in this therapist's care
                // (or in the intake queue, to be enrolled); and the therapist put in charge is oneself or, for a
                // booking, the primary therapist of the patient's episode, never an outsider.
                if (invocation.Arguments[index] is ICareTeamRequest { PatientId: { } patient } request)
                {
                    if (!await InCareAsync(db, therapistId, patient, window, ct))
                    {
                        return Hidden(http, "patient", patient, patient);
                    }

                    if (request.CareTherapistId is { } named && named != therapistId &&
                        !await PatientsOf(db, named, window).AnyAsync(p => p == patient, ct))
                    {
                        return Problems.Unprocessable("A therapist books or enrols a patient with themself or with a therapist of the patient's care team only.");
                    }
                }
            }

            return await next(invocation);
        };
    }

    /// <summary>
    /// The writes to a therapist's schedule (<c>/therapists/{id}/working-hours</c>, time off): a therapist changes
    /// their own only (403 otherwise), front desk and admin anyone's. Checked in <see cref="Filter"/>, before
    /// validation, so a refused caller learns nothing about the body.
    /// </summary>
    public static RouteHandlerBuilder OwnScheduleOnly(this RouteHandlerBuilder builder) => builder.WithMetadata(new OwnScheduleAttribute());

    private static async Task<bool> IsOwnScheduleAsync(HttpContext http, ClinicDbContext db, CancellationToken ct) =>
        Guid.TryParse(http.GetRouteValue("id")?.ToString(), out var id) && await TherapistIdAsync(http, db, ct) == id;

    /// <summary>Whether the caller may read this therapist's private schedule details (time-off reasons): the therapist, front desk, admin.</summary>
    public static async Task<bool> SeesPrivateScheduleOfAsync(HttpContext http, ClinicDbContext db, Guid therapistId, CancellationToken ct) =>
        !IsRestricted(http.User) || await TherapistIdAsync(http, db, ct) == therapistId;

    /// <summary>A therapist asking for another therapist's calendar or worklist: their patients are not this therapist's to see.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult OwnOnly(string what) =>
        Problems.Forbidden($"A therapist sees their own {what} only; it lists patients in another therapist's care.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Hidden(HttpContext http, string resource, Guid id, Guid patientId)
    {
        http.Items[HiddenKey] = true;
        // The refused attempt belongs in the patient's accounting too (who tried to reach their record).
        http.RequestServices.GetService<ClinicApi.Features.Audit.RequestAudit>()?.Current?.PatientIds.Add(patientId);
        return Problems.NotFound(resource, id);
    }

    private static async Task<Guid?> PatientOfAsync(ClinicDbContext db, CareResource resource, Guid id, CancellationToken ct) => resource switch
    {
        CareResource.Patient => id,
        CareResource.Episode => await db.Episodes.AsNoTracking().Where(e => e.Id == id).Select(e => (Guid?)e.PatientId).FirstOrDefaultAsync(ct),
        CareResource.Session => await db.Sessions.AsNoTracking().Where(s => s.Id == id).Select(s => (Guid?)s.PatientId).FirstOrDefaultAsync(ct),
        CareResource.Measurement => await db.Measurements.AsNoTracking().Where(m => m.Id == id || m.RootId == id).Select(m => (Guid?)m.PatientId).FirstOrDefaultAsync(ct),
        _ => null,
    };
}
