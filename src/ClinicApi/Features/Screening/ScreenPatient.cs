using ClinicApi.Data;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Screening;

/// <summary><c>POST /patients/{id}/screenings</c>: scores the nine STarT Back answers and stores them as a measurement.</summary>
public static class ScreenPatient
{
    public sealed record Request(IReadOnlyList<int>? Answers, DateTime? TakenAt, Guid? EpisodeId);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(ClinicClock clock)
        {
            RuleFor(r => r.Answers).Custom((answers, context) =>
            {
                if (StartBack.Problem(answers) is { } problem)
                {
                    context.AddFailure("answers", problem);
                }
            });
            RuleFor(r => r.TakenAt).Must(t => t is null || t.Value.ToUniversalTime() <= clock.UtcNow.AddMinutes(5))
                .WithMessage("takenAt cannot be in the future.");
        }
    }

    public static async Task<Results<Created<ScreeningResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Measurement> logger, CancellationToken ct)
    {
        if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
        {
            return Problems.NotFound("patient", id);
        }

        if (request.EpisodeId is { } episodeId && !await db.Episodes.AnyAsync(e => e.Id == episodeId && e.PatientId == id, ct))
        {
            return Problems.Unprocessable($"The patient has no episode with id {episodeId}.");
        }

        var result = StartBack.Score(request.Answers!);
        var measurement = new Measurement
        {
            PatientId = id,
            EpisodeId = request.EpisodeId,
            Instrument = Instruments.StartBackCode,
            TakenAt = request.TakenAt?.ToUniversalTime() ?? clock.UtcNow,
            RecordedBy = http.User.FindFirst(AuthSetup.SubjectClaim)?.Value ?? "unknown",
            Score = result.Total,
            Subscore = result.DistressSubscale,
            Items = string.Join(',', request.Answers!),
            Interpretation = KebabEnum.Name(result.Risk),
            CreatedAt = clock.UtcNow,
        };
        db.Measurements.Add(measurement);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Stored STarT Back screening {MeasurementId} for patient {PatientId}", measurement.Id, id);
        return TypedResults.Created($"/patients/{id}/screenings/{measurement.Id}", ScreeningResponse.From(measurement));
    }
}
