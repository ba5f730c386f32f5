using ClinicApi.Infrastructure;

namespace ClinicApi.Data;

/// <summary>What a session delivers; each kind needs a therapist holding one competency.</summary>
public enum SessionKind
{
    Physiotherapy,
    IndividualisedExercise,
    CognitiveBehaviouralTherapy,
    PainEducation,
    BehaviouralTherapy,
}

public static class SessionKinds
{
    /// <summary>The competency a therapist must hold to deliver a session of this kind.</summary>
    public static Competency RequiredCompetency(SessionKind kind) => kind switch
    {
        SessionKind.Physiotherapy => Competency.ExerciseTherapy,
        SessionKind.IndividualisedExercise => Competency.IndividualisedExercise,
        SessionKind.CognitiveBehaviouralTherapy => Competency.CognitiveBehaviouralTherapy,
        SessionKind.PainEducation => Competency.PainEducation,
        SessionKind.BehaviouralTherapy => Competency.BehaviouralTherapy,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>
/// A treatment arm and its protocol. Catalogue arms come from the evidence and never change; an admin may add
/// clinic arms. An arm that an episode uses keeps its protocol: a different protocol is a new arm.
/// </summary>
public sealed class TreatmentArm : IVersioned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Stable, unique, kebab-case code (e.g. <c>physio-cbt</c>).</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>Seeded from the evidence; cannot be edited or deleted.</summary>
    public bool IsCatalogue { get; init; }

    public int SessionsPerWeek { get; set; }

    public int Weeks { get; set; }

    /// <summary>Session kinds, stored as kebab-case codes separated by commas (same on both providers).</summary>
    public string SessionKindCodes { get; set; } = string.Empty;

    /// <summary>Evidence catalogue ids this arm is compared against, comma-separated.</summary>
    public string EvidenceIdCodes { get; set; } = string.Empty;

    /// <summary>Ages the evidence behind the arm covers; outside them enrolment warns.</summary>
    public int? EvidenceMinAge { get; set; }

    public int? EvidenceMaxAge { get; set; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public int Version { get; set; } = 1;

    public IReadOnlyList<SessionKind> SessionKinds
    {
        get => Split(SessionKindCodes).Select(c => KebabEnum.TryParse<SessionKind>(c, out var k) ? k : throw new InvalidOperationException($"Unknown session kind '{c}' stored on arm {Id}.")).ToList();
        set => SessionKindCodes = string.Join(',', value.Select(KebabEnum.Name));
    }

    public IReadOnlyList<string> EvidenceIds
    {
        get => Split(EvidenceIdCodes);
        set => EvidenceIdCodes = string.Join(',', value);
    }

    public int PlannedSessions => SessionsPerWeek * Weeks;

    public IReadOnlyList<Competency> RequiredCompetencies => SessionKinds.Select(Data.SessionKinds.RequiredCompetency).Distinct().ToList();

    private static string[] Split(string codes) => codes.Split(',', StringSplitOptions.RemoveEmptyEntries);
}
