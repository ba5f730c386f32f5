
namespace ClinicApi.Data;

/// <summary>What a therapist is trained to deliver; sessions of a kind need the matching competency.</summary>
public enum Competency
{
    ExerciseTherapy,
    IndividualisedExercise,
    CognitiveBehaviouralTherapy,
    PainEducation,
    BehaviouralTherapy,
}

/// <summary>A physiotherapist of the clinic. Deactivated, never deleted: past sessions keep pointing at them.</summary>
public sealed class Therapist : IVersioned, INamed
{
    // Column lengths: the model (Data/Configurations) and the validators read these, so the two cannot drift.
    public const int NameMax = 100;
    public const int UserIdMax = 100;
    public const int EmailMax = 254;
    public const int RegistrationNumberMax = 32;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string GivenName { get; set; }

    public required string FamilyName { get; set; }

    public string? Email { get; set; }

    /// <summary>Professional registration (e.g. HCPC number), unique.</summary>
    public required string RegistrationNumber { get; set; }

    /// <summary>The identity provider's subject of this therapist's user: what links a signed-in therapist to their patients.</summary>
    public string? UserId { get; set; }

    public bool IsActive { get; set; } = true;

    public List<TherapistCompetency> Competencies { get; init; } = [];

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? DeactivatedAt { get; set; }

    public int Version { get; set; } = 1;

    public bool Holds(Competency competency) => Competencies.Any(c => c.Competency == competency);
}

public sealed class TherapistCompetency
{
    public Guid TherapistId { get; init; }

    public Competency Competency { get; init; }
}
