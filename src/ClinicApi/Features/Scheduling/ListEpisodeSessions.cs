using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Scheduling;

/// <summary><c>GET /episodes/{id}/sessions</c>: an episode's sessions in time order.</summary>
public static class ListEpisodeSessions
{
    public static async Task<Results<Ok<List<SessionResponse>>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, ClinicClock clock, CancellationToken ct)
    {
        if (!await db.Episodes.AnyAsync(e => e.Id == id, ct))
        {
            return Problems.NotFound("episode", id);
        }

        var rows = await db.Sessions.AsNoTracking().Where(s => s.EpisodeId == id).OrderBy(s => s.StartsAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(s => SessionResponse.From(s, clock)).ToList());
    }
}
