namespace ClinicApi.Data;

/// <summary>
/// A therapist added to a patient's care team beside the primary therapist (a CBT colleague, a locum), by an admin
/// or the primary therapist, with a reason and, optionally, a planned end. Ended, never deleted: the history of
/// who could reach the patient stays in the patient's export.
/// </summary>
public sealed class CareTeamMember
{
    public const int ReasonMax = 500;

    public const int UserMax = 100;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid PatientId { get; init; }

    public Guid TherapistId { get; init; }

    public required string Reason { get; set; }

    /// <summary>The user (token subject) who added the member.</summary>
    public required string AddedBy { get; init; }

    public DateTime AddedAt { get; init; }

    /// <summary>The last clinic day of the membership, if planned; access lapses after it.</summary>
    public DateOnly? EndsOn { get; init; }

    public DateTime? EndedAt { get; set; }

    public string? EndedBy { get; set; }

    public string? EndReason { get; set; }
}
