using ClinicApi.Outcomes;

namespace ClinicApi.Data;

public enum StudyStatus
{
    Recruiting,
    Closed,
}

/// <summary>A clinic's own randomised comparison of arms (study mode), stratified by STarT Back risk group.</summary>
public sealed class Study : IVersioned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    /// <summary>Compared arms in order, comma-separated ids.</summary>
    public required string ArmIdList { get; init; }

    /// <summary>Allocation ratio per arm, comma-separated (e.g. <c>1,1</c>).</summary>
    public required string RatioList { get; init; }

    /// <summary>Block size multipliers, comma-separated: a block holds sum(ratios) × m allocations.</summary>
    public required string BlockMultiplierList { get; init; }

    /// <summary>The generator's seed. Only the audit endpoint (admin) shows it.</summary>
    public long Seed { get; init; }

    public StudyStatus Status { get; set; } = StudyStatus.Recruiting;

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public int Version { get; set; } = 1;

    public IReadOnlyList<Guid> ArmIds => ArmIdList.Split(',').Select(Guid.Parse).ToList();

    public IReadOnlyList<int> Ratios => RatioList.Split(',').Select(int.Parse).ToList();

    public IReadOnlyList<int> BlockMultipliers => BlockMultiplierList.Split(',').Select(int.Parse).ToList();

    public Guid ArmAt(StartBackRisk stratum, int sequence) =>
        ArmIds[PermutedBlocks.ArmAt(Seed, (int)stratum, sequence, Ratios, BlockMultipliers)];
}

/// <summary>One used slot of a study's sequence: (study, stratum, sequence) is unique, so no slot is used twice.</summary>
public sealed class Allocation
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid StudyId { get; init; }

    public StartBackRisk Stratum { get; init; }

    public int Sequence { get; init; }

    public Guid ArmId { get; init; }

    public Guid PatientId { get; init; }

    public Guid EpisodeId { get; init; }

    /// <summary>The screening whose risk group chose the stratum.</summary>
    public Guid ScreeningId { get; init; }

    public required string AllocatedBy { get; init; }

    public DateTime AllocatedAt { get; init; }
}
