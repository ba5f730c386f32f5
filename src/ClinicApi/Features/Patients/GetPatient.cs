using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Patients;

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
