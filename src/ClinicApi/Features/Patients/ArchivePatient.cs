using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicApi.Features.Patients;

/// <summary><c>POST /patients/{id}/archive</c> (If-Match): a soft status change; nothing clinical is deleted.</summary>
public static class ArchivePatient
{
    public static Task<Results<Ok<PatientResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Patient> logger, CancellationToken ct) =>
        PatientRules.ChangeStatusAsync(id, PatientStatus.Archived, db, clock, http, logger, ct);
}
