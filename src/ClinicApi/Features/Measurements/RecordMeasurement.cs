using ClinicApi.Outcomes;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Measurements;

/// <summary><c>POST /patients/{id}/measurements</c>: a total or the item answers, scored by the API.</summary>
public static class RecordMeasurement
{
    public sealed record Request([property: OpenApiValues(typeof(Instruments), nameof(Instruments.Codes))] string? Instrument, DateTime? TakenAt, Guid? EpisodeId, double? Score, IReadOnlyList<int?>? Items);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(ClinicClock clock) =>
            RuleFor(r => r).Custom((r, context) =>
            {
                foreach (var (field, message) in MeasurementRules.Problems(r.Instrument, r.TakenAt, r.Score, r.Items, clock.UtcNow))
                {
                    context.AddFailure(field, message);
                }
            });
    }

    public static async Task<Results<Created<MeasurementResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, HttpContext http,
        ILogger<Measurement> logger, CancellationToken ct)
    {
        // One read finds the episode and what places the score in it; whether the patient exists at all is asked
        // only when no episode answered.
        var takenAt = request.TakenAt!.Value.ToUniversalTime();
        var timeline = request.EpisodeId is { } given
            ? await MeasurementRules.EpisodeAsync(db, id, given, ct)
            : await MeasurementRules.EpisodeOnAsync(db, id, DateOnly.FromDateTime(clock.ToLocal(takenAt)), ct);
        if (timeline is null)
        {
            if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
            {
                return Problems.NotFound("patient", id);
            }

            if (request.EpisodeId is { } missing)
            {
                return Problems.Unprocessable($"The patient has no episode with id {missing}.");
            }
        }

        var episodeId = timeline?.EpisodeId;
        var scored = MeasurementRules.Score(request.Instrument!, request.Score, request.Items);
        var measurement = new Measurement
        {
            PatientId = id,
            EpisodeId = episodeId,
            Instrument = request.Instrument!,
            TakenAt = takenAt,
            RecordedBy = MeasurementRules.RecordedBy(http),
            Score = scored.Total,
            Subscore = scored.Subscore,
            Items = Measurement.FormatItems(request.Items),
            Interpretation = scored.Interpretation,
            CreatedAt = clock.UtcNow,
        };
        db.Measurements.Add(measurement);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Recorded measurement {MeasurementId} ({Instrument}) for patient {PatientId}", measurement.Id, measurement.Instrument, id);
        http.Response.Headers.ETag = MeasurementRules.ETag(measurement);
        return TypedResults.Created($"/measurements/{measurement.Id}", MeasurementRules.Response(measurement, timeline, settings, clock));
    }
}
