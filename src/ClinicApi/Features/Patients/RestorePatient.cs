using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicApi.Features.Patients;

/// <summary><c>POST /patients/{id}/restore</c> (If-Match): an archived patient becomes active again.</summary>
public static class RestorePatient
{
    public static Task<Results<Ok<PatientResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Patient> logger, CancellationToken ct) =>
        PatientRules.ChangeStatusAsync(id, PatientStatus.Active, db, clock, http, logger, ct);
}
