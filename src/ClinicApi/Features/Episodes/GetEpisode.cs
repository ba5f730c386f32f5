using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Episodes;

public static class GetEpisode
{
    public static async Task<Results<Ok<EpisodeResponse>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, HttpResponse response, CancellationToken ct)
    {
        var found = await db.Episodes.AsNoTracking().Where(e => e.Id == id)
            .Join(db.Arms, e => e.ArmId, a => a.Id, (e, a) => new { Episode = e, Arm = a })
            .FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return Problems.NotFound("episode", id);
        }

        var attended = await db.Sessions.AttendedByEpisodeAsync([id], ct);
        ETags.Set(response, found.Episode);
        return TypedResults.Ok(EpisodeResponse.From(found.Episode, found.Arm, attended.GetValueOrDefault(id)));
    }
}
