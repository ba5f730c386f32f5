using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Patients;

/// <summary><c>POST /patients</c>: registers a patient; a medical record number already in use is a 409.</summary>
public static class RegisterPatient
{
    public static async Task<Results<Created<PatientResponse>, ProblemHttpResult>> HandleAsync(
        PatientDetails request, ClinicDbContext db, ClinicClock clock, HttpResponse response, ILogger<Patient> logger, CancellationToken ct)
    {
        var mrn = request.MedicalRecordNumber!.Trim();
        if (await db.Patients.AnyAsync(p => p.MedicalRecordNumber == mrn, ct))
        {
            return PatientRules.DuplicateRecordNumber();
        }

        var patient = new Patient { MedicalRecordNumber = mrn, GivenName = string.Empty, FamilyName = string.Empty, CreatedAt = clock.UtcNow };
        request.ApplyTo(patient, clock);
        db.Patients.Add(patient);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return PatientRules.DuplicateRecordNumber();
        }

        logger.LogInformation("Registered patient {PatientId}", patient.Id);
        ETags.Set(response, patient);
        return TypedResults.Created($"/patients/{patient.Id}", PatientResponse.From(patient, clock.Today));
    }
}
