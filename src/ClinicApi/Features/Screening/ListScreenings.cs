using ClinicApi.Data;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Screening;

/// <summary><c>GET /patients/{id}/screenings</c>: newest first.</summary>
public static class ListScreenings
{
    public const int Max = 100;

    public static async Task<Results<Ok<List<ScreeningResponse>>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, CancellationToken ct)
    {
        if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
        {
            return Problems.NotFound("patient", id);
        }

        var rows = await db.Measurements.AsNoTracking().Current()
            .Where(m => m.PatientId == id && m.Instrument == Instruments.StartBackCode)
            .OrderByDescending(m => m.TakenAt).ThenByDescending(m => m.Id).Take(Max).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(ScreeningResponse.From).ToList());
    }
}
