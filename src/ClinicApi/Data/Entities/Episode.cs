
namespace ClinicApi.Data;

public enum EpisodeStatus
{
    Active,
    Completed,
    Discontinued,
}

/// <summary>
/// A patient's enrolment in a treatment arm. At most one active episode per patient (a partial unique index).
/// Changing arm discontinues this episode and starts a new one that points back at it: no assignment is overwritten.
/// </summary>
public sealed class Episode : IVersioned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid PatientId { get; init; }

    public Guid ArmId { get; init; }

    public Guid PrimaryTherapistId { get; set; }

    public DateOnly StartDate { get; init; }

    public required string ReferralReason { get; init; }

    public EpisodeStatus Status { get; set; } = EpisodeStatus.Active;

    public DateOnly? EndDate { get; set; }

    public string? DiscontinuationReason { get; set; }

    /// <summary>Why the primary therapist may lead this arm without a competency it needs (null: no override).</summary>
    public string? CompetencyOverrideReason { get; init; }

    /// <summary>The eligibility warnings given at enrolment, one per line, kept for the record.</summary>
    public string EnrolmentWarnings { get; init; } = string.Empty;

    /// <summary>The episode this one replaced when the patient changed arm.</summary>
    public Guid? PreviousEpisodeId { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public int Version { get; set; } = 1;
}
