using ClinicApi.Data;

namespace ClinicApi.Features.Arms;

public sealed record ArmResponse(
    Guid Id,
    string Code,
    string Name,
    string? Description,
    bool IsCatalogue,
    ArmProtocol Protocol,
    IReadOnlyList<string> EvidenceIds,
    int? EvidenceMinAge,
    int? EvidenceMaxAge,
    int Version)
{
    public static ArmResponse From(TreatmentArm a) => new(
        a.Id, a.Code, a.Name, a.Description, a.IsCatalogue,
        new ArmProtocol(a.SessionsPerWeek, a.Weeks, a.PlannedSessions,
            a.SessionKinds.Select(k => new ArmSessionKind(k, SessionKinds.RequiredCompetency(k))).ToList()),
        a.EvidenceIds, a.EvidenceMinAge, a.EvidenceMaxAge, a.Version);
}

/// <summary>The protocol: how many sessions, of which kinds, and the competency each kind needs.</summary>
public sealed record ArmProtocol(int SessionsPerWeek, int Weeks, int PlannedSessions, IReadOnlyList<ArmSessionKind> SessionKinds);

public sealed record ArmSessionKind(SessionKind Kind, Competency RequiredCompetency);
