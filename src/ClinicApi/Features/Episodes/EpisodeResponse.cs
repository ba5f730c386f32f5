using ClinicApi.Infrastructure;
using ClinicApi.Data;

namespace ClinicApi.Features.Episodes;

/// <summary>Planned sessions from the arm's protocol against sessions attended.</summary>
public sealed record EpisodeProgress(int PlannedSessions, int AttendedSessions);

public sealed record EpisodeResponse(
    Guid Id,
    Guid PatientId,
    Guid ArmId,
    string ArmCode,
    Guid PrimaryTherapistId,
    DateOnly StartDate,
    [property: Clinical] string? ReferralReason,
    EpisodeStatus Status,
    DateOnly? EndDate,
    [property: Clinical] string? DiscontinuationReason,
    [property: Clinical] string? CompetencyOverrideReason,
    [property: Clinical] IReadOnlyList<EligibilityWarning>? Warnings,
    Guid? PreviousEpisodeId,
    EpisodeProgress Progress,
    DateTime CreatedAt,
    int Version)
{
    public static EpisodeResponse From(Episode e, TreatmentArm arm, int attendedSessions) => new(
        e.Id, e.PatientId, e.ArmId, arm.Code, e.PrimaryTherapistId, e.StartDate, e.ReferralReason, e.Status, e.EndDate,
        e.DiscontinuationReason, e.CompetencyOverrideReason,
        e.EnrolmentWarnings.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(EligibilityWarning.Parse).ToList(),
        e.PreviousEpisodeId, new EpisodeProgress(arm.PlannedSessions, attendedSessions), e.CreatedAt, e.Version);
}
