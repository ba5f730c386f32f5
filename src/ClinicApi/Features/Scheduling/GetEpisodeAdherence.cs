using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Scheduling;

/// <summary>Planned sessions (the arm's protocol) against what happened to the booked ones.</summary>
public sealed record Adherence(
    Guid EpisodeId, int Planned, int Booked, int Attended, int Cancelled, int LateCancelled, int NoShow, int Upcoming, double AttendedShareOfPlanned);

/// <summary><c>GET /episodes/{id}/adherence</c>: planned sessions against what happened to the booked ones.</summary>
public static class GetEpisodeAdherence
{
    public static async Task<Results<Ok<Adherence>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, ClinicClock clock, CancellationToken ct)
    {
        var planned = await db.Episodes.AsNoTracking().Where(e => e.Id == id)
            .Join(db.Arms, e => e.ArmId, a => a.Id, (e, a) => (int?)(a.SessionsPerWeek * a.Weeks)).FirstOrDefaultAsync(ct);
        if (planned is null)
        {
            return Problems.NotFound("episode", id);
        }

        var now = clock.UtcNow;
        var counts = await db.Sessions.AsNoTracking().Where(s => s.EpisodeId == id)
            .GroupBy(s => new { s.Status, s.LateCancellation, Upcoming = s.StartsAt >= now })
            .Select(g => new { g.Key.Status, g.Key.LateCancellation, g.Key.Upcoming, Count = g.Count() }).ToListAsync(ct);
        int Count(SessionStatus status) => counts.Where(c => c.Status == status).Sum(c => c.Count);
        var attended = Count(SessionStatus.Attended);
        return TypedResults.Ok(new Adherence(
            id, planned.Value, counts.Sum(c => c.Count), attended, Count(SessionStatus.Cancelled),
            counts.Where(c => c.Status == SessionStatus.Cancelled && c.LateCancellation).Sum(c => c.Count), Count(SessionStatus.NoShow),
            counts.Where(c => c.Status == SessionStatus.Booked && c.Upcoming).Sum(c => c.Count),
            planned.Value == 0 ? 0 : Math.Round((double)attended / planned.Value, 3)));
    }
}
