using ClinicApi.Data;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Studies;

public sealed record AuditedAllocation(
    StartBackRisk Stratum, int Sequence, Guid ArmId, Guid RecomputedArmId, bool Consistent,
    Guid PatientId, Guid EpisodeId, Guid ScreeningId, string AllocatedBy, DateTime AllocatedAt);

/// <summary>For admins: the seed, and every allocation so far recomputed from it.</summary>
public sealed record StudyAuditResponse(
    Guid StudyId, long Seed, IReadOnlyList<StudyArm> Arms, IReadOnlyList<int> BlockMultipliers,
    IReadOnlyList<AuditedAllocation> Allocations, bool AllConsistent);

/// <summary><c>GET /studies/{id}/audit</c> (admin): recomputes every allocation from the seed.</summary>
public static class AuditStudy
{
    public static async Task<Results<Ok<StudyAuditResponse>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, CancellationToken ct)
    {
        var study = await db.Studies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (study is null)
        {
            return Problems.NotFound("study", id);
        }

        var rows = await db.Allocations.AsNoTracking().Where(a => a.StudyId == id)
            .OrderBy(a => a.Stratum).ThenBy(a => a.Sequence).Take(5000).ToListAsync(ct);
        var audited = rows.Select(a =>
        {
            var recomputed = study.ArmAt(a.Stratum, a.Sequence);
            return new AuditedAllocation(a.Stratum, a.Sequence, a.ArmId, recomputed, recomputed == a.ArmId,
                a.PatientId, a.EpisodeId, a.ScreeningId, a.AllocatedBy, a.AllocatedAt);
        }).ToList();
        return TypedResults.Ok(new StudyAuditResponse(study.Id, study.Seed, await StudyViews.ArmsAsync(study, db, ct), study.BlockMultipliers,
            audited, audited.All(a => a.Consistent)));
    }
}
