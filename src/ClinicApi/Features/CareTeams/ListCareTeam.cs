using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.CareTeams;

/// <summary><c>GET /patients/{id}/care-team</c>: everyone whose care the patient is or was in, and why.</summary>
public static class ListCareTeam
{
    public static async Task<Results<Ok<CareTeamResponse>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, CancellationToken ct)
    {
        if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
        {
            return Problems.NotFound("patient", id);
        }

        var since = CareTeam.AccessHorizon(http).EndedSince;
        var episodes = await db.Episodes.AsNoTracking().Where(e => e.PatientId == id).OrderBy(e => e.StartDate).ToListAsync(ct);
        var members = await db.CareTeamMembers.AsNoTracking().Where(m => m.PatientId == id).OrderBy(m => m.AddedAt).ToListAsync(ct);
        return TypedResults.Ok(new CareTeamResponse(
            id,
            episodes.Select(e => new PrimaryTherapist(e.PrimaryTherapistId, e.Id, e.StartDate, e.EndDate, e.EndDate is null || e.EndDate >= since)).ToList(),
            members.Select(m => CareTeamMemberResponse.From(m, clock.Today)).ToList()));
    }
}
