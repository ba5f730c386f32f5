using System.Security.Cryptography;
using ClinicApi.Data;
using ClinicApi.Features.Audit;
using ClinicApi.Features.Measurements;
using ClinicApi.Features.Scheduling;
using ClinicApi.Infrastructure;
using FluentValidation;
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
    IReadOnlyList<AuditEventResponse> Accesses);

public sealed record EpisodeExport(
    Guid Id, Guid ArmId, Guid PrimaryTherapistId, DateOnly StartDate, EpisodeStatus Status, DateOnly? EndDate, string ReferralReason,
    string? DiscontinuationReason, string? CompetencyOverrideReason, Guid? PreviousEpisodeId);

/// <summary>
/// Data-subject rights, admin only and audited like every patient-data route. Export returns everything held
/// about the patient, every measurement version included. Erasure irreversibly pseudonymises identity (names,
/// record number, contact, exact birth date, free-text notes and reasons) while the de-identified outcome data
/// stay, so the clinic's reports keep their denominators; see docs/security.md for the reasoning.
/// </summary>
public static class DataSubjectRights
{
    public const int MaxRows = 10_000;
    public const string ErasedText = "[erased]";

    public sealed record EraseRequest(string? Reason);

    public sealed class EraseValidator : AbstractValidator<EraseRequest>
    {
        public EraseValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(500);
    }

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
        var accesses = await db.AuditEvents.AsNoTracking().Where(a => a.ResourceType == "patient" && a.ResourceId == id)
            .OrderBy(a => a.At).Take(MaxRows).ToListAsync(ct);
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
            accesses.Select(AuditEventResponse.From).ToList()));
    }

    public static async Task<Results<Ok<PatientResponse>, ProblemHttpResult>> EraseAsync(
        Guid id, EraseRequest request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Patient> logger, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Racing erasures queue here; the ones after the first then fail the If-Match check (412).
        await OwnerLocks.LockAsync<Patient>(db, id, ct);
        var loaded = await db.Patients.ForUpdateAsync(id, "patient", http.Request, ct);
        if (!loaded.Found)
        {
            return loaded.Problem;
        }

        var patient = loaded.Row;

        if (patient.ErasedAt is not null)
        {
            return Problems.Conflict("The patient's identity was already erased.");
        }

        // Random, not derived from anything the patient had: nothing can be traced back.
        var pseudonym = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        patient.Rename("Erased", $"Patient {pseudonym}");
        patient.MedicalRecordNumber = $"ERASED-{pseudonym}";
        patient.DateOfBirth = new DateOnly(patient.DateOfBirth.Year, 1, 1);
        patient.Email = null;
        patient.Phone = null;
        patient.Notes = $"Identity erased on request: {request.Reason!.Trim()}";
        patient.Status = PatientStatus.Archived;
        patient.ArchivedAt ??= clock.UtcNow;
        patient.ErasedAt = clock.UtcNow;
        patient.UpdatedAt = clock.UtcNow;
        await db.Episodes.Where(e => e.PatientId == id).ExecuteUpdateAsync(e => e
            .SetProperty(x => x.ReferralReason, ErasedText)
            .SetProperty(x => x.DiscontinuationReason, x => x.DiscontinuationReason == null ? null : ErasedText)
            .SetProperty(x => x.CompetencyOverrideReason, x => x.CompetencyOverrideReason == null ? null : ErasedText), ct);
        await db.Sessions.Where(s => s.PatientId == id && s.CancellationReason != null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.CancellationReason, ErasedText), ct);
        await db.AdverseEvents.Where(a => a.PatientId == id && a.Description != null)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.Description, (string?)null), ct);
        if (!await OptimisticSave.TrySaveAsync(db, ct))
        {
            return Problems.PreconditionFailed();
        }

        await transaction.CommitAsync(ct);
        logger.LogInformation("Erased the identity of patient {PatientId}", id);
        ETags.Set(http.Response, patient);
        return TypedResults.Ok(PatientResponse.From(patient, clock.Today));
    }
}
