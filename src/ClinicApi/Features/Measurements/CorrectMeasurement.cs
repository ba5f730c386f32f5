using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Measurements;

/// <summary>
/// Corrections never overwrite: an amendment adds a version with new values and a reason; entered-in-error adds
/// a version that withdraws the measurement from every report. Both need If-Match with the current version's
/// ETag; two corrections racing for the same version are settled by a unique index (the loser gets 412).
/// </summary>
public static class CorrectMeasurement
{
    public sealed record AmendRequest(double? Score, IReadOnlyList<int?>? Items, DateTime? TakenAt, string? Reason);

    public sealed record WithdrawRequest(string? Reason);

    public sealed class AmendValidator : AbstractValidator<AmendRequest>
    {
        public AmendValidator(ClinicClock clock)
        {
            RuleFor(r => r.Reason).NotEmpty().FitsColumn((Measurement m) => m.Reason);
            RuleFor(r => r.Score).Must((r, score) => (score is null) != (r.Items is null))
                .WithMessage("Send either score (a total) or items (the answers), not both and not neither.");
            RuleFor(r => r.TakenAt).Must(t => t is null || t.Value.ToUniversalTime() <= clock.UtcNow.AddMinutes(5)).WithMessage("takenAt cannot be in the future.");
        }
    }

    public sealed class WithdrawValidator : AbstractValidator<WithdrawRequest>
    {
        public WithdrawValidator() => RuleFor(r => r.Reason).NotEmpty().FitsColumn((Measurement m) => m.Reason);
    }

    public static async Task<Results<Ok<MeasurementHistory>, ValidationProblem, ProblemHttpResult>> AmendAsync(
        Guid id, AmendRequest request, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, HttpContext http,
        ILogger<Measurement> logger, CancellationToken ct)
    {
        var (current, problem) = await LoadCurrentAsync(id, db, http.Request, ct);
        if (problem is not null)
        {
            return problem;
        }

        // The instrument is the stored one: check the new values against it as a new recording would be.
        var takenAt = request.TakenAt?.ToUniversalTime() ?? current!.TakenAt;
        var problems = MeasurementRules.Problems(current!.Instrument, takenAt, request.Score, request.Items, clock.UtcNow)
            .GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray());
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var scored = MeasurementRules.Score(current.Instrument, request.Score, request.Items);
        var amended = NextVersion(current, MeasurementStatus.Amended, request.Reason!, http, clock, takenAt, scored.Total, scored.Subscore,
            Measurement.FormatItems(request.Items), scored.Interpretation);
        return await SaveAsync(id, current, amended, db, clock, settings, http, logger, ct);
    }

    public static async Task<Results<Ok<MeasurementHistory>, ValidationProblem, ProblemHttpResult>> WithdrawAsync(
        Guid id, WithdrawRequest request, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, HttpContext http,
        ILogger<Measurement> logger, CancellationToken ct)
    {
        var (current, problem) = await LoadCurrentAsync(id, db, http.Request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var withdrawn = NextVersion(current!, MeasurementStatus.EnteredInError, request.Reason!, http, clock, current!.TakenAt, current.Score,
            current.Subscore, current.Items, current.Interpretation);
        return await SaveAsync(id, current, withdrawn, db, clock, settings, http, logger, ct);
    }

    private static Measurement NextVersion(
        Measurement current, MeasurementStatus status, string reason, HttpContext http, ClinicClock clock, DateTime takenAt,
        double score, double? subscore, string? items, string? interpretation) => new()
        {
            RootId = current.MeasurementId,
            Version = current.Version + 1,
            Status = status,
            Reason = reason.Trim(),
            PatientId = current.PatientId,
            EpisodeId = current.EpisodeId,
            Instrument = current.Instrument,
            TakenAt = takenAt,
            RecordedBy = MeasurementRules.RecordedBy(http),
            Score = score,
            Subscore = subscore,
            Items = items,
            Interpretation = interpretation,
            CreatedAt = clock.UtcNow,
        };

    private static async Task<Results<Ok<MeasurementHistory>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        Guid id, Measurement current, Measurement next, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, HttpContext http,
        ILogger<Measurement> logger, CancellationToken ct)
    {
        current.Superseded = true;
        db.Measurements.Add(next);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Problems.PreconditionFailed();
        }

        logger.LogInformation("Measurement {MeasurementId} is now version {Version} ({Status})", id, next.Version, next.Status);
        var result = await GetMeasurement.HandleAsync(id, db, clock, settings, http.Response, ct);
        return result.Result is Ok<MeasurementHistory> ok ? ok : Problems.NotFound("measurement", id);
    }

    private static async Task<(Measurement? Current, ProblemHttpResult? Problem)> LoadCurrentAsync(Guid id, ClinicDbContext db, HttpRequest request, CancellationToken ct)
    {
        var current = await db.Measurements.Where(m => (m.Id == id && m.RootId == null) || m.RootId == id)
            .OrderByDescending(m => m.Version).FirstOrDefaultAsync(ct);
        if (current is null)
        {
            return (null, Problems.NotFound("measurement", id));
        }

        return ETags.ProblemFor(ETags.Check(request, MeasurementRules.ETag(current))) switch
        {
            { } precondition => (current, precondition),
            _ when current.Status == MeasurementStatus.EnteredInError =>
                (current, Problems.Conflict("The measurement was withdrawn as entered in error; record a new one instead.")),
            _ => (current, null),
        };
    }
}
