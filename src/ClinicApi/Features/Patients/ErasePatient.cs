using System.Security.Cryptography;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Patients;

// Partial so that export and erasure each have their own file while the erasure request keeps the schema name the
// published OpenAPI document gives it (DataSubjectRightsEraseRequest).
/// <summary><c>POST /patients/{id}/erase</c> (admin, If-Match): irreversibly pseudonymises identity; de-identified outcomes stay.</summary>
public static partial class DataSubjectRights
{
    public const string ErasedText = "[erased]";

    public sealed record EraseRequest(string? Reason);

    public sealed class EraseValidator : AbstractValidator<EraseRequest>
    {
        public EraseValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(500);
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
        Pseudonymise(patient, request.Reason!, Convert.ToHexString(RandomNumberGenerator.GetBytes(6)), clock.UtcNow);
        await db.Episodes.Where(e => e.PatientId == id).ExecuteUpdateAsync(e => e
            .SetProperty(x => x.ReferralReason, ErasedText)
            .SetProperty(x => x.DiscontinuationReason, x => x.DiscontinuationReason == null ? null : ErasedText)
            .SetProperty(x => x.CompetencyOverrideReason, x => x.CompetencyOverrideReason == null ? null : ErasedText), ct);
        await db.Sessions.Where(s => s.PatientId == id && s.CancellationReason != null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.CancellationReason, ErasedText), ct);
        await db.CareTeamMembers.Where(m => m.PatientId == id).ExecuteUpdateAsync(m => m
            .SetProperty(x => x.Reason, ErasedText)
            .SetProperty(x => x.EndReason, x => x.EndReason == null ? null : ErasedText), ct);
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

    /// <summary>
    /// The patient row's part of erasure, apart from the database so that what survives it can be tested: the year of
    /// birth (age bands in reports) and the archive date, if the record was archived before.
    /// </summary>
    internal static void Pseudonymise(Patient patient, string reason, string pseudonym, DateTime now)
    {
        patient.Rename("Erased", $"Patient {pseudonym}");
        patient.MedicalRecordNumber = $"ERASED-{pseudonym}";
        patient.DateOfBirth = new DateOnly(patient.DateOfBirth.Year, 1, 1);
        patient.Email = null;
        patient.Phone = null;
        patient.Notes = $"Identity erased on request: {reason.Trim()}";
        patient.Status = PatientStatus.Archived;
        patient.ArchivedAt ??= now;
        patient.ErasedAt = now;
        patient.UpdatedAt = now;
    }
}
