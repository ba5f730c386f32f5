using ClinicApi.Data;

namespace ClinicApi.Features.CareTeams;

/// <summary>A primary therapist, from an episode: in the care team while the episode is active and through the follow-up horizon after it.</summary>
public sealed record PrimaryTherapist(Guid TherapistId, Guid EpisodeId, DateOnly Since, DateOnly? EpisodeEndedOn, bool Active);

/// <summary>An added member; <c>active</c> until ended or past <c>endsOn</c>.</summary>
public sealed record CareTeamMemberResponse(
    Guid Id, Guid PatientId, Guid TherapistId, string Reason, string AddedBy, DateTime AddedAt, DateOnly? EndsOn,
    DateTime? EndedAt, string? EndedBy, string? EndReason, bool Active)
{
    public static CareTeamMemberResponse From(CareTeamMember m, DateOnly today) =>
        new(m.Id, m.PatientId, m.TherapistId, m.Reason, m.AddedBy, m.AddedAt, m.EndsOn, m.EndedAt, m.EndedBy, m.EndReason, m.IsActiveOn(today));
}

public sealed record CareTeamResponse(Guid PatientId, IReadOnlyList<PrimaryTherapist> Primary, IReadOnlyList<CareTeamMemberResponse> Members);

/// <summary>The rules every care-team use case shares.</summary>
public static class CareTeamRules
{
    /// <summary>Whether the therapist is the primary therapist of an active episode of the patient.</summary>
    public static IQueryable<Episode> ActivePrimary(ClinicDbContext db, Guid patientId, Guid therapistId) =>
        db.Episodes.Where(e => e.PatientId == patientId && e.PrimaryTherapistId == therapistId && e.Status == EpisodeStatus.Active);
}
