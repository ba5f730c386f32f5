using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Episodes;

/// <summary><c>GET /patients/{id}/episodes</c>: the patient's whole history of arms, newest first.</summary>
public static class ListPatientEpisodes
{
    public const int Max = 100;

    public static async Task<Results<Ok<List<EpisodeResponse>>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, CancellationToken ct)
    {
        if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
        {
            return Problems.NotFound("patient", id);
        }

        var rows = await db.Episodes.AsNoTracking().Where(e => e.PatientId == id)
            .Join(db.Arms, e => e.ArmId, a => a.Id, (e, a) => new { Episode = e, Arm = a })
            .OrderByDescending(x => x.Episode.StartDate).ThenByDescending(x => x.Episode.Id)
            .Take(Max).ToListAsync(ct);
        var attended = await db.Sessions.AttendedByEpisodeAsync(rows.Select(x => x.Episode.Id).ToList(), ct);
        return TypedResults.Ok(rows.Select(x => EpisodeResponse.From(x.Episode, x.Arm, attended.GetValueOrDefault(x.Episode.Id))).ToList());
    }
}
