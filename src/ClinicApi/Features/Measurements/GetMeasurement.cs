using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Measurements;

/// <summary>The current version and every version before it, oldest first.</summary>
public sealed record MeasurementHistory(MeasurementResponse Current, IReadOnlyList<MeasurementResponse> Versions);

public static class GetMeasurement
{
    public static async Task<Results<Ok<MeasurementHistory>, ProblemHttpResult>> HandleAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, HttpResponse response, CancellationToken ct)
    {
        var versions = await db.Measurements.AsNoTracking().Where(m => m.Id == id || m.RootId == id).OrderBy(m => m.Version).ToListAsync(ct);
        if (versions.Count == 0 || versions[0].RootId is not null)
        {
            return Problems.NotFound("measurement", id);
        }

        var timelines = await MeasurementRules.TimelinesAsync(db, versions.Select(v => v.EpisodeId), ct);
        var all = versions.Select(v => MeasurementRules.Response(v, v.EpisodeId is { } e ? timelines.GetValueOrDefault(e) : null, settings, clock)).ToList();
        response.Headers.ETag = MeasurementRules.ETag(versions[^1]);
        return TypedResults.Ok(new MeasurementHistory(all[^1], all));
    }
}
