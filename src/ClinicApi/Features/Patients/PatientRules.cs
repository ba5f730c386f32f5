using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Patients;

public static class PatientRules
{
    public const int OldestAgeYears = 120;

    internal static ProblemHttpResult DuplicateRecordNumber() =>
        Problems.Conflict("Another patient already has this medical record number.");

    /// <summary>Archiving and restoring: soft status changes; nothing clinical is deleted.</summary>
    internal static async Task<Results<Ok<PatientResponse>, ProblemHttpResult>> ChangeStatusAsync(
        Guid id, PatientStatus target, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Patient> logger, CancellationToken ct)
    {
        var loaded = await db.Patients.ForUpdateAsync(id, "patient", http.Request, ct);
        if (!loaded.Found)
        {
            return loaded.Problem;
        }

        var patient = loaded.Row;

        if (patient.Status == target)
        {
            return Problems.Conflict($"The patient is already {KebabEnum.Name(target)}.");
        }

        patient.Status = target;
        patient.ArchivedAt = target == PatientStatus.Archived ? clock.UtcNow : null;
        patient.UpdatedAt = clock.UtcNow;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }

        logger.LogInformation("Patient {PatientId} is now {Status}", patient.Id, patient.Status);
        ETags.Set(http.Response, patient);
        return TypedResults.Ok(PatientResponse.From(patient, clock.Today));
    }
}
