using ClinicApi.Data;
using ClinicApi.Features.Evidence;
using ClinicApi.Features.Measurements;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Reports;

/// <summary><c>GET /patients/{id}/trajectory</c> and its SVG: one episode (default the latest), one instrument.</summary>
public static class PatientTrajectory
{
    public sealed class Query
    {
        /// <summary>Instrument code (default pain-nrs).</summary>
        [OpenApiValues(typeof(Instruments), nameof(Instruments.Codes))]
        public string? Instrument { get; init; }

        /// <summary>Episode (default the patient's latest).</summary>
        public Guid? EpisodeId { get; init; }
    }

    public sealed class QueryValidator : AbstractValidator<Query>
    {
        public QueryValidator() =>
            RuleFor(q => q.Instrument).KnownInstrument();
    }

    public static async Task<Results<Ok<TrajectoryResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, [AsParameters] Query query, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, EvidenceCatalogue catalogue, CancellationToken ct)
    {
        var (trajectory, _, problem) = await BuildAsync(id, query, db, clock, settings, catalogue, ct);
        return problem ?? (Results<Ok<TrajectoryResponse>, ProblemHttpResult>)TypedResults.Ok(trajectory!);
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> SvgAsync(
        Guid id, [AsParameters] Query query, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, EvidenceCatalogue catalogue, CancellationToken ct)
    {
        var (trajectory, instrument, problem) = await BuildAsync(id, query, db, clock, settings, catalogue, ct);
        return problem ?? (Results<ContentHttpResult, ProblemHttpResult>)TypedResults.Content(TrajectoryEngine.Svg(trajectory!, instrument!), "image/svg+xml");
    }

    private static async Task<(TrajectoryResponse?, Instrument?, ProblemHttpResult?)> BuildAsync(
        Guid id, Query query, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, EvidenceCatalogue catalogue, CancellationToken ct)
    {
        var instrument = Instruments.Find(query.Instrument ?? Instruments.PainNrs)!;
        var episodes = db.Episodes.AsNoTracking().Where(e => e.PatientId == id);
        var episode = await (query.EpisodeId is { } episodeId ? episodes.Where(e => e.Id == episodeId) : episodes.OrderByDescending(e => e.StartDate).ThenByDescending(e => e.Id))
            .Join(db.Arms, e => e.ArmId, a => a.Id, (e, a) => new { Episode = e, Arm = a }).FirstOrDefaultAsync(ct);
        if (episode is null)
        {
            // Only now ask whether the patient exists at all: the usual answer costs two round trips, not three.
            if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
            {
                return (null, null, Problems.NotFound("patient", id));
            }

            return (null, null, Problems.Unprocessable(query.EpisodeId is { } missing
                ? $"The patient has no episode with id {missing}."
                : "The patient has no episode of care: a trajectory is measured from an episode's start."));
        }

        var measurements = await db.Measurements.AsNoTracking().Current()
            .Where(m => m.EpisodeId == episode.Episode.Id && m.Instrument == instrument.Code)
            .OrderBy(m => m.TakenAt).Select(m => new { m.Id, m.RootId, m.TakenAt, m.Score }).Take(500).ToListAsync(ct);
        var input = new TrajectoryInput(id, episode.Episode.Id, episode.Episode.StartDate, episode.Arm,
            measurements.Select(m => (m.RootId ?? m.Id, m.TakenAt, m.Score)).ToList());
        return (TrajectoryEngine.Build(input, instrument, settings, catalogue, clock), instrument, null);
    }
}
