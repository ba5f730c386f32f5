using ClinicApi.Data;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Studies;

public sealed record StudyArm(Guid ArmId, string ArmCode, int Ratio);

/// <summary>What enrolling clinicians see of a study: never the seed, nor how many slots each stratum has used.</summary>
public sealed record StudyResponse(Guid Id, string Name, IReadOnlyList<StudyArm> Arms, IReadOnlyList<int> BlockSizes, StudyStatus Status, DateTime CreatedAt, int Version);

internal static class StudyViews
{
    public static async Task<IReadOnlyList<StudyArm>> ArmsAsync(Study study, ClinicDbContext db, CancellationToken ct)
    {
        var ids = study.ArmIds;
        var codes = await db.Arms.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Code, ct);
        return ids.Select((id, i) => new StudyArm(id, codes[id], study.Ratios[i])).ToList();
    }

    public static async Task<StudyResponse> ResponseAsync(Study study, ClinicDbContext db, CancellationToken ct) =>
        new(study.Id, study.Name, await ArmsAsync(study, db, ct), study.BlockMultipliers.Select(m => m * study.Ratios.Sum()).ToList(),
            study.Status, study.CreatedAt, study.Version);
}
