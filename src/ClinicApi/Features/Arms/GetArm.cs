using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Arms;

public static class GetArm
{
    public static async Task<Results<Ok<ArmResponse>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, HttpResponse response, CancellationToken ct)
    {
        var arm = await db.Arms.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (arm is null)
        {
            return Problems.NotFound("treatment arm", id);
        }

        ETags.Set(response, arm);
        return TypedResults.Ok(ArmResponse.From(arm));
    }
}
