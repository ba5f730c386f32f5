using ClinicApi.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Arms;

public static class ListArms
{
    /// <summary>The whole catalogue: a handful of rows, so no paging.</summary>
    public static async Task<Ok<List<ArmResponse>>> HandleAsync(ClinicDbContext db, CancellationToken ct)
    {
        var arms = await db.Arms.AsNoTracking().OrderByDescending(a => a.IsCatalogue).ThenBy(a => a.Code).Take(500).ToListAsync(ct);
        return TypedResults.Ok(arms.Select(ArmResponse.From).ToList());
    }
}
