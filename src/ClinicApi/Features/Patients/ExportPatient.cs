using ClinicApi.Features.CareTeams;
using ClinicApi.Data;
using ClinicApi.Features.Audit;
using ClinicApi.Features.Measurements;
using ClinicApi.Features.Scheduling;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Patients;

/// <summary>Everything the clinic holds about one patient (a subject access request).</summary>
public sealed record PatientExport(
    DateTime ExportedAt,
    PatientResponse Patient,
    string? Notes,
    IReadOnlyList<EpisodeExport> Episodes,
    IReadOnlyList<SessionResponse> Sessions,
    IReadOnlyList<MeasurementResponse> Measurements,
    IReadOnlyList<AdverseEventResponse> AdverseEvents,
    IReadOnlyList<AuditEventResponse> Accesses,
    IReadOnlyList<CareTeamMemberResponse> CareTeam);

public sealed record EpisodeExport(
    Guid Id, Guid ArmId, Guid PrimaryTherapistId, DateOnly StartDate, EpisodeStatus Status, DateOnly? EndDate, string ReferralReason,
    string? DiscontinuationReason, string? CompetencyOverrideReason, Guid? PreviousEpisodeId);

// Partial so that export and erasure each have their own file while the erasure request keeps the schema name the
// published OpenAPI document gives it (DataSubjectRightsEraseRequest).
/// <summary>
/// Data-subject rights, admin only and audited like every patient-data route. Export returns everything held
/// about the patient, every measurement version included. Erasure irreversibly pseudonymises identity (names,
/// record number, contact, exact birth date, free-text notes and reasons) while the de-identified outcome data
/// stay, so the clinic's reports keep their denominators; see docs/security.md for the reasoning.
/// </summary>
public static partial class DataSubjectRights
{
    public const int MaxRows = 10_000;

    public static async Task<Results<Ok<PatientExport>, ProblemHttpResult>> ExportAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, AuditWriter audit, CancellationToken ct)
    {
        var patient = await db.Patients.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (patient is null)
        {
            return Problems.NotFound("patient", id);
        }

        // Every access answered so far is in the export: reads are recorded in batches, so wait for them.
        await audit.FlushAsync(ct);
        var episodes = await db.Episodes.AsNoTracking().Where(e => e.PatientId == id).OrderBy(e => e.StartDate).ToListAsync(ct);
        var sessions = await db.Sessions.AsNoTracking().Where(s => s.PatientId == id).OrderBy(s => s.StartsAt).Take(MaxRows).ToListAsync(ct);
        var measurements = await db.Measurements.AsNoTracking().Where(m => m.PatientId == id).OrderBy(m => m.TakenAt).ThenBy(m => m.Version).Take(MaxRows).ToListAsync(ct);
        var adverse = await db.AdverseEvents.AsNoTracking().Where(a => a.PatientId == id).OrderBy(a => a.OccurredOn).ToListAsync(ct);
        // The accounting of disclosures: every call that concerned the patient (rows before the patient column
        // existed are found by their resource).
        var accesses = await db.AuditEvents.AsNoTracking().Where(a => a.PatientId == id || (a.PatientId == null && a.ResourceType == "patient" && a.ResourceId == id))
            .OrderBy(a => a.At).Take(MaxRows).ToListAsync(ct);
        var team = await db.CareTeamMembers.AsNoTracking().Where(m => m.PatientId == id).OrderBy(m => m.AddedAt).ToListAsync(ct);
        var timelines = await MeasurementRules.TimelinesAsync(db, measurements.Select(m => m.EpisodeId), ct);
        return TypedResults.Ok(new PatientExport(
            clock.UtcNow,
            PatientResponse.From(patient, clock.Today),
            patient.Notes,
            episodes.Select(e => new EpisodeExport(e.Id, e.ArmId, e.PrimaryTherapistId, e.StartDate, e.Status, e.EndDate, e.ReferralReason,
                e.DiscontinuationReason, e.CompetencyOverrideReason, e.PreviousEpisodeId)).ToList(),
            sessions.Select(s => SessionResponse.From(s, clock)).ToList(),
            measurements.Select(m => MeasurementRules.Response(m, m.EpisodeId is { } e ? timelines.GetValueOrDefault(e) : null, settings, clock)).ToList(),
            adverse.Select(AdverseEventResponse.From).ToList(),
            accesses.Select(AuditEventResponse.From).ToList(),
            team.Select(m => CareTeamMemberResponse.From(m, clock.Today)).ToList()));
    }
}
