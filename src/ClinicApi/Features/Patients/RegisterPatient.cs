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
            return DuplicateRecordNumber();
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
            return DuplicateRecordNumber();
        }

        logger.LogInformation("Registered patient {PatientId}", patient.Id);
        ETags.Set(response, patient);
        return TypedResults.Created($"/patients/{patient.Id}", PatientResponse.From(patient, clock.Today));
    }

    internal static ProblemHttpResult DuplicateRecordNumber() =>
        Problems.Conflict("Another patient already has this medical record number.");
}

/// <summary><c>GET /patients/{id}</c>, with the ETag that updates must send back in If-Match.</summary>
public static class GetPatient
{
    public static async Task<Results<Ok<PatientResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpResponse response, CancellationToken ct)
    {
        var patient = await db.Patients.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (patient is null)
        {
            return Problems.NotFound("patient", id);
        }

        ETags.Set(response, patient);
        return TypedResults.Ok(PatientResponse.From(patient, clock.Today));
    }
}

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
            return RegisterPatient.DuplicateRecordNumber();
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
            return RegisterPatient.DuplicateRecordNumber();
        }

        logger.LogInformation("Updated patient {PatientId} to version {Version}", patient.Id, patient.Version);
        ETags.Set(http.Response, patient);
        return TypedResults.Ok(PatientResponse.From(patient, clock.Today));
    }
}

/// <summary><c>POST /patients/{id}/archive</c> and <c>/restore</c>: soft status changes; nothing clinical is deleted.</summary>
public static class ChangePatientStatus
{
    public static Task<Results<Ok<PatientResponse>, ProblemHttpResult>> ArchiveAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Patient> logger, CancellationToken ct) =>
        ChangeAsync(id, PatientStatus.Archived, db, clock, http, logger, ct);

    public static Task<Results<Ok<PatientResponse>, ProblemHttpResult>> RestoreAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Patient> logger, CancellationToken ct) =>
        ChangeAsync(id, PatientStatus.Active, db, clock, http, logger, ct);

    private static async Task<Results<Ok<PatientResponse>, ProblemHttpResult>> ChangeAsync(
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
