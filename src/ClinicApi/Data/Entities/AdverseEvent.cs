namespace ClinicApi.Data;

public enum AdverseEventSeverity
{
    Mild,
    Moderate,
    Severe,

    /// <summary>Life-threatening, hospitalisation, disability or death.</summary>
    Serious,
}

/// <summary>Whether the event is related to the treatment, on the usual five-step causality scale.</summary>
public enum AdverseEventRelatedness
{
    NotRelated,
    Unlikely,
    Possible,
    Probable,
    Definite,
}

/// <summary>A short coded description, so safety can be counted without reading free text.</summary>
public enum AdverseEventCode
{
    IncreasedPain,
    MuscleSoreness,
    NewRadicularSymptoms,
    Fall,
    Dizziness,
    Fatigue,
    PsychologicalDistress,
    SkinReaction,
    Other,
}

/// <summary>
/// An adverse event during an episode of care. The evidence base asks for better safety reporting
/// (Ho et al. 2022): severity, relatedness and a code are structured; the optional description is short.
/// </summary>
public sealed class AdverseEvent
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid EpisodeId { get; init; }

    public Guid PatientId { get; init; }

    public DateOnly OccurredOn { get; init; }

    public AdverseEventSeverity Severity { get; init; }

    public AdverseEventRelatedness Relatedness { get; init; }

    public AdverseEventCode Code { get; init; }

    public string? Description { get; init; }

    public required string RecordedBy { get; init; }

    public DateTime CreatedAt { get; init; }
}
