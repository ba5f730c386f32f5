using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Patients;

/// <summary><c>PUT /patients/{id}</c>: replaces the patient's details; needs If-Match.</summary>
public static class UpdatePatient
{
    public static async Task<Results<Ok<PatientResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, PatientDetails request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Patient> logger, CancellationToken ct)
    {
        var loaded = await db.Patients.ForUpdateAsync(id, "patient", http.Request, ct);
        if (!loaded.Found)
        {
            return loaded.Problem;
        }

        var patient = loaded.Row;

        if (patient.Status == PatientStatus.Archived)
        {
            return Problems.Conflict("The patient is archived: restore the record before changing it.");
        }

        var mrn = request.MedicalRecordNumber!.Trim();
        if (mrn != patient.MedicalRecordNumber && await db.Patients.AnyAsync(p => p.MedicalRecordNumber == mrn, ct))
        {
            return PatientRules.DuplicateRecordNumber();
        }

        request.ApplyTo(patient, clock);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return PatientRules.DuplicateRecordNumber();
        }

        logger.LogInformation("Updated patient {PatientId} to version {Version}", patient.Id, patient.Version);
        ETags.Set(http.Response, patient);
        return TypedResults.Ok(PatientResponse.From(patient, clock.Today));
    }
}
