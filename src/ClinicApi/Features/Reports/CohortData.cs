using ClinicApi.Data;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Reports;

/// <summary>Reads the rows a report needs with three set-based queries: episodes, current scores, attended sessions.</summary>
public static class CohortData
{
    public static async Task<(List<CohortEpisode> Episodes, int ExcludedWithoutConsent, List<(Guid Id, bool Active)> Status)> LoadAsync(
        ClinicDbContext db, CohortQuery query, string instrument, bool consentedOnly, CancellationToken ct)
    {
        var episodes = db.Episodes.AsNoTracking();
        if (query.From is { } from)
        {
            episodes = episodes.Where(e => e.StartDate >= from);
        }

        if (query.To is { } to)
        {
            episodes = episodes.Where(e => e.StartDate <= to);
        }

        if (query.ArmId is { } armId)
        {
            episodes = episodes.Where(e => e.ArmId == armId);
        }

        if (query.TherapistId is { } therapistId)
        {
            episodes = episodes.Where(e => e.PrimaryTherapistId == therapistId);
        }

        // Episodes with their arm and the patient's consent in one read: who is left out is counted from it.
        var all = await episodes.Join(db.Patients, e => e.PatientId, p => p.Id, (e, p) => new { Episode = e, p.ConsentToDeidentifiedReporting })
            .Join(db.Arms, x => x.Episode.ArmId, a => a.Id, (x, a) => new
            {
                x.Episode.Id, x.Episode.ArmId, a.Code, a.EvidenceIdCodes, a.Weeks, a.SessionsPerWeek, x.Episode.PrimaryTherapistId,
                x.Episode.StartDate, x.Episode.Status, Consented = x.ConsentToDeidentifiedReporting,
            }).ToListAsync(ct);
        var rows = consentedOnly ? all.Where(r => r.Consented).ToList() : all;
        var excluded = all.Count - rows.Count;
        if (consentedOnly)
        {
            episodes = episodes.Join(db.Patients.Where(p => p.ConsentToDeidentifiedReporting), e => e.PatientId, p => p.Id, (e, p) => e);
        }

        var scores = (await db.Measurements.AsNoTracking().Current().Where(m => m.Instrument == instrument)
                .Join(episodes, m => m.EpisodeId, e => (Guid?)e.Id, (m, e) => new { EpisodeId = e.Id, m.TakenAt, m.Score })
                .ToListAsync(ct))
            .ToLookup(s => s.EpisodeId, s => (s.TakenAt, s.Score));
        // Counted per episode first (an index-only scan), then matched to the report's episodes: joining every
        // session row to its episode and patient before grouping costs several times as much.
        var attended = await db.Sessions.AsNoTracking().Where(s => s.Status == SessionStatus.Attended)
            .GroupBy(s => s.EpisodeId).Select(g => new { EpisodeId = g.Key, Count = g.Count() })
            .Join(episodes, a => a.EpisodeId, e => e.Id, (a, e) => a)
            .ToDictionaryAsync(x => x.EpisodeId, x => x.Count, ct);
        // Each arm's evidence ids once, shared by its episodes.
        var evidence = rows.Select(r => (r.ArmId, r.EvidenceIdCodes)).Distinct()
            .ToDictionary(a => a.ArmId, a => (IReadOnlyList<string>)a.EvidenceIdCodes.Split(',', StringSplitOptions.RemoveEmptyEntries));
        var result = rows.Select(r => new CohortEpisode(r.Id, r.ArmId, r.Code, evidence[r.ArmId],
            r.Weeks, r.Weeks * r.SessionsPerWeek, r.PrimaryTherapistId, r.StartDate, attended.GetValueOrDefault(r.Id), scores[r.Id].ToList())).ToList();
        return (result, excluded, rows.Select(r => (r.Id, r.Status == EpisodeStatus.Active)).ToList());
    }
}
