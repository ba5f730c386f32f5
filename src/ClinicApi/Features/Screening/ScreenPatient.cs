using ClinicApi.Data;
using ClinicApi.Features.Arms;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Screening;

/// <summary>An arm the screening points to; a suggestion for the clinician, with where it comes from.</summary>
public sealed record ArmSuggestion(string Label, Guid ArmId, string ArmCode, IReadOnlyList<string> AlternativeArmCodes, string Rationale, string Source);

public sealed record ScreeningResponse(
    Guid Id, Guid PatientId, Guid? EpisodeId, DateTime TakenAt, IReadOnlyList<int> Answers,
    int Total, int DistressSubscale, StartBackRisk Risk, string Rule, ArmSuggestion Suggestion)
{
    public static ScreeningResponse From(Measurement m)
    {
        var answers = m.Items!.Split(',').Select(int.Parse).ToList();
        var result = StartBack.Score(answers);
        return new(m.Id, m.PatientId, m.EpisodeId, m.TakenAt, answers, result.Total, result.DistressSubscale, result.Risk, result.Rule,
            MatchedCare.Suggest(result.Risk));
    }
}

/// <summary>Stratified care as the STarT Back trials match it to risk (../shared/evidence, section 5).</summary>
public static class MatchedCare
{
    private const string Source = "Hill et al. 2008, Keele STarT Back Screening Tool; matched (stratified) care.";

    public static ArmSuggestion Suggest(StartBackRisk risk) => risk switch
    {
        StartBackRisk.High => new("suggestion", ArmCatalogue.PhysiotherapyCbtId, "physio-cbt", ["physio-behavioural", "individualised-exercise-cbt"],
            "High risk: psychologically informed physiotherapy, i.e. a combined arm.", Source),
        StartBackRisk.Medium => new("suggestion", ArmCatalogue.PhysiotherapyId, "physio", ["individualised-exercise"],
            "Medium risk: physiotherapy or individualised exercise.", Source),
        _ => new("suggestion", ArmCatalogue.PhysiotherapyPainEducationId, "physio-pain-education", [],
            "Low risk: physiotherapy with education.", Source),
    };
}

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

/// <summary><c>GET /patients/{id}/screenings</c>: newest first.</summary>
public static class ListScreenings
{
    public const int Max = 100;

    public static async Task<Results<Ok<List<ScreeningResponse>>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, CancellationToken ct)
    {
        if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
        {
            return Problems.NotFound("patient", id);
        }

        var rows = await db.Measurements.AsNoTracking().Current()
            .Where(m => m.PatientId == id && m.Instrument == Instruments.StartBackCode)
            .OrderByDescending(m => m.TakenAt).ThenByDescending(m => m.Id).Take(Max).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(ScreeningResponse.From).ToList());
    }
}

public static class ScreeningEndpoints
{
    public static void MapScreening(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/patients/{id:guid}/screenings").WithTags("Screening").RequireAuthorization(Policies.Clinical);
        group.MapPost("", ScreenPatient.HandleAsync).WithName("ScreenPatient")
            .WithSummary("Score a STarT Back screening (9 answers), store it and suggest an arm")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("", ListScreenings.HandleAsync).WithName("ListScreenings")
            .WithSummary("A patient's STarT Back screenings, newest first").ProducesProblem(StatusCodes.Status404NotFound);
    }
}
