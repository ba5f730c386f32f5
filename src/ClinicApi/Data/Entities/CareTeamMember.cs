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

    /// <summary>The membership grants access on <paramref name="today"/>: not ended, and its planned end not passed.</summary>
    public bool IsActiveOn(DateOnly today) => EndedAt is null && (EndsOn is null || EndsOn >= today);

    /// <summary><see cref="IsActiveOn"/> as a query predicate, for the database to evaluate (one rule, two forms side by side).</summary>
    public static System.Linq.Expressions.Expression<Func<CareTeamMember, bool>> ActiveOn(DateOnly today) =>
        m => m.EndedAt == null && (m.EndsOn == null || m.EndsOn >= today);
}
