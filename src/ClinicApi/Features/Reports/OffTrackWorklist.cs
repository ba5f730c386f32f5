using ClinicApi.Data;
using ClinicApi.Features.Evidence;
using ClinicApi.Features.Measurements;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Reports;

public sealed record OffTrackItem(
    Guid EpisodeId, Guid PatientId, string MedicalRecordNumber, string GivenName, string FamilyName, string ArmCode,
    string Classification, string Rule, double Severity, double? LatestWeek, double? LatestScore);

/// <summary>
/// <c>GET /worklists/off-track?therapistId=</c>: the therapist's patients (active episodes, and those ended within
/// the follow-up horizon) who are behind the expected band or rebounding, most severe first. Two queries in all.
/// </summary>
public static class OffTrackWorklist
{
    public const int Max = 200;

    public sealed class Query
    {
        public Guid? TherapistId { get; init; }

        [OpenApiValues(typeof(Instruments), nameof(Instruments.Codes))]
        public string? Instrument { get; init; }
    }

    public sealed class QueryValidator : AbstractValidator<Query>
    {
        public QueryValidator()
        {
            RuleFor(q => q.TherapistId).NotEmpty();
            RuleFor(q => q.Instrument).KnownInstrument();
        }
    }

    public static async Task<Results<Ok<List<OffTrackItem>>, ProblemHttpResult>> HandleAsync(
        [AsParameters] Query query, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, EvidenceCatalogue catalogue, HttpContext http,
        CancellationToken ct)
    {
        var therapistId = query.TherapistId!.Value;
        if (!await db.Therapists.AnyAsync(t => t.Id == therapistId, ct))
        {
            return Problems.NotFound("therapist", therapistId);
        }

        if (CareTeam.IsRestricted(http.User) && await CareTeam.TherapistIdAsync(http, db, ct) != therapistId)
        {
            return CareTeam.OwnOnly("worklist");
        }

        var instrument = Instruments.Find(query.Instrument ?? Instruments.PainNrs)!;
        var endedSince = clock.Today.AddDays(-7 * settings.FollowUpWeeksAfterEnd);
        var episodes = db.Episodes.AsNoTracking().Where(e => e.PrimaryTherapistId == therapistId &&
                                                             (e.Status == EpisodeStatus.Active || (e.EndDate != null && e.EndDate >= endedSince)));
        var rows = await episodes.Join(db.Patients, e => e.PatientId, p => p.Id, (e, p) => new { Episode = e, p.MedicalRecordNumber, p.GivenName, p.FamilyName })
            .ToListAsync(ct);
        var scores = (await db.Measurements.AsNoTracking().Current().Where(m => m.Instrument == instrument.Code)
                .Join(episodes, m => m.EpisodeId, e => (Guid?)e.Id, (m, e) => new { EpisodeId = e.Id, Id = m.RootId ?? m.Id, m.TakenAt, m.Score })
                .ToListAsync(ct))
            .ToLookup(s => s.EpisodeId);
        var arms = await db.Arms.AsNoTracking().ToDictionaryAsync(a => a.Id, ct);
        var items = new List<OffTrackItem>();
        foreach (var row in rows)
        {
            var input = new TrajectoryInput(row.Episode.PatientId, row.Episode.Id, row.Episode.StartDate, arms[row.Episode.ArmId],
                scores[row.Episode.Id].Select(s => (s.Id, s.TakenAt, s.Score)).ToList());
            var trajectory = TrajectoryEngine.Build(input, instrument, settings, catalogue, clock);
            if (trajectory.Classification is Classification.Behind or Classification.Rebounding)
            {
                var latest = trajectory.Observed.Count > 0 ? trajectory.Observed[^1] : null;
                items.Add(new OffTrackItem(row.Episode.Id, row.Episode.PatientId, row.MedicalRecordNumber, row.GivenName, row.FamilyName,
                    trajectory.ArmCode, trajectory.Classification, trajectory.ClassificationRule, trajectory.Severity, latest?.Week, latest?.Score));
            }
        }

        return TypedResults.Ok(items.OrderByDescending(i => i.Severity).ThenBy(i => i.EpisodeId).Take(Max).ToList());
    }
}
