using System.Security.Cryptography;
using ClinicApi.Data;
using ClinicApi.Features.Episodes;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Studies;

public sealed record StudyArm(Guid ArmId, string ArmCode, int Ratio);

/// <summary>What enrolling clinicians see of a study: never the seed, nor how many slots each stratum has used.</summary>
public sealed record StudyResponse(Guid Id, string Name, IReadOnlyList<StudyArm> Arms, IReadOnlyList<int> BlockSizes, StudyStatus Status, DateTime CreatedAt, int Version);

public sealed record AllocationResponse(Guid StudyId, StartBackRisk Stratum, int Sequence, Guid ArmId, string ArmCode);

public sealed record StudyEnrolmentResponse(AllocationResponse Allocation, EpisodeResponse Episode);

public sealed record AuditedAllocation(
    StartBackRisk Stratum, int Sequence, Guid ArmId, Guid RecomputedArmId, bool Consistent,
    Guid PatientId, Guid EpisodeId, Guid ScreeningId, string AllocatedBy, DateTime AllocatedAt);

/// <summary>For admins: the seed, and every allocation so far recomputed from it.</summary>
public sealed record StudyAuditResponse(
    Guid StudyId, long Seed, IReadOnlyList<StudyArm> Arms, IReadOnlyList<int> BlockMultipliers,
    IReadOnlyList<AuditedAllocation> Allocations, bool AllConsistent);

internal static class StudyViews
{
    public static async Task<IReadOnlyList<StudyArm>> ArmsAsync(Study study, ClinicDbContext db, CancellationToken ct)
    {
        var ids = study.ArmIds;
        var codes = await db.Arms.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Code, ct);
        return ids.Select((id, i) => new StudyArm(id, codes[id], study.Ratios[i])).ToList();
    }

    public static async Task<StudyResponse> ResponseAsync(Study study, ClinicDbContext db, CancellationToken ct) =>
        new(study.Id, study.Name, await ArmsAsync(study, db, ct), study.BlockMultipliers.Select(m => m * study.Ratios.Sum()).ToList(),
            study.Status, study.CreatedAt, study.Version);
}

/// <summary><c>POST /studies</c> (admin): which arms are compared, in what ratio, with which block sizes and seed.</summary>
public static class CreateStudy
{
    public sealed record Request(string? Name, IReadOnlyList<Guid>? ArmIds, IReadOnlyList<int>? Ratios, IReadOnlyList<int>? BlockMultipliers, long? Seed);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty().FitsColumn((Study s) => s.Name);
            RuleFor(r => r.ArmIds).NotNull().Must(a => a is { Count: >= 2 and <= 6 } && a.Distinct().Count() == a.Count && !a.Contains(Guid.Empty))
                .WithMessage("armIds must name 2 to 6 different arms.");
            RuleFor(r => r.Ratios).NotNull().Must((r, ratios) => ratios is not null && ratios.Count == (r.ArmIds?.Count ?? -1))
                .WithMessage("ratios must give one ratio per arm.");
            RuleForEach(r => r.Ratios).InclusiveBetween(1, 10);
            RuleFor(r => r.BlockMultipliers).Must(m => m is null || (m.Count is >= 1 and <= 4 && m.Distinct().Count() == m.Count))
                .WithMessage("blockMultipliers must hold 1 to 4 different values.");
            RuleForEach(r => r.BlockMultipliers).InclusiveBetween(1, 5);
        }
    }

    public static async Task<Results<Created<StudyResponse>, ProblemHttpResult>> HandleAsync(
        Request request, ClinicDbContext db, ClinicClock clock, HttpResponse response, ILogger<Study> logger, CancellationToken ct)
    {
        var armIds = request.ArmIds!;
        var known = await db.Arms.CountAsync(a => armIds.Contains(a.Id), ct);
        if (known != armIds.Count)
        {
            return Problems.Unprocessable("armIds names an arm that does not exist.");
        }

        var study = new Study
        {
            Name = request.Name!.Trim(),
            ArmIdList = string.Join(',', armIds),
            RatioList = string.Join(',', request.Ratios!),
            BlockMultiplierList = string.Join(',', request.BlockMultipliers ?? [1, 2]),
            Seed = request.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue) * (long)int.MaxValue + RandomNumberGenerator.GetInt32(int.MaxValue),
            CreatedAt = clock.UtcNow,
            UpdatedAt = clock.UtcNow,
        };
        db.Studies.Add(study);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Created study {StudyId}", study.Id);
        ETags.Set(response, study);
        return TypedResults.Created($"/studies/{study.Id}", await StudyViews.ResponseAsync(study, db, ct));
    }
}

public static class ReadStudies
{
    public static async Task<Ok<List<StudyResponse>>> ListAsync(ClinicDbContext db, CancellationToken ct)
    {
        var studies = await db.Studies.AsNoTracking().OrderByDescending(s => s.CreatedAt).Take(100).ToListAsync(ct);
        var responses = new List<StudyResponse>(studies.Count);
        foreach (var study in studies)
        {
            responses.Add(await StudyViews.ResponseAsync(study, db, ct));
        }

        return TypedResults.Ok(responses);
    }

    public static async Task<Results<Ok<StudyResponse>, ProblemHttpResult>> GetAsync(Guid id, ClinicDbContext db, HttpResponse response, CancellationToken ct)
    {
        var study = await db.Studies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (study is null)
        {
            return Problems.NotFound("study", id);
        }

        ETags.Set(response, study);
        return TypedResults.Ok(await StudyViews.ResponseAsync(study, db, ct));
    }

    /// <summary><c>GET /studies/{id}/audit</c> (admin): recomputes every allocation from the seed.</summary>
    public static async Task<Results<Ok<StudyAuditResponse>, ProblemHttpResult>> AuditAsync(Guid id, ClinicDbContext db, CancellationToken ct)
    {
        var study = await db.Studies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (study is null)
        {
            return Problems.NotFound("study", id);
        }

        var rows = await db.Allocations.AsNoTracking().Where(a => a.StudyId == id)
            .OrderBy(a => a.Stratum).ThenBy(a => a.Sequence).Take(5000).ToListAsync(ct);
        var audited = rows.Select(a =>
        {
            var recomputed = study.ArmAt(a.Stratum, a.Sequence);
            return new AuditedAllocation(a.Stratum, a.Sequence, a.ArmId, recomputed, recomputed == a.ArmId,
                a.PatientId, a.EpisodeId, a.ScreeningId, a.AllocatedBy, a.AllocatedAt);
        }).ToList();
        return TypedResults.Ok(new StudyAuditResponse(study.Id, study.Seed, await StudyViews.ArmsAsync(study, db, ct), study.BlockMultipliers,
            audited, audited.All(a => a.Consistent)));
    }

    /// <summary><c>POST /studies/{id}/close</c> (admin, If-Match): no further allocations.</summary>
    public static async Task<Results<Ok<StudyResponse>, ProblemHttpResult>> CloseAsync(Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, CancellationToken ct)
    {
        var loaded = await db.Studies.ForUpdateAsync(id, "study", http.Request, ct);
        if (!loaded.Found)
        {
            return loaded.Problem;
        }

        var study = loaded.Row;

        if (study.Status == StudyStatus.Closed)
        {
            return Problems.Conflict("The study is already closed.");
        }

        study.Status = StudyStatus.Closed;
        study.UpdatedAt = clock.UtcNow;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }

        ETags.Set(http.Response, study);
        return TypedResults.Ok(await StudyViews.ResponseAsync(study, db, ct));
    }
}

/// <summary>
/// <c>POST /studies/{id}/enrolments</c>: allocates the next slot of the patient's STarT Back stratum and enrols the
/// patient in that arm, in one transaction. The slot's uniqueness is guaranteed by the database: a concurrent
/// enrolment that took the same slot makes this one retry with the next. Everything that could refuse the
/// enrolment is checked before allocating, so a refusal never reveals which arm comes next.
/// </summary>
public static class EnrolInStudy
{
    private const int Attempts = 20;

    public sealed record Request(Guid? PatientId, Guid? PrimaryTherapistId, DateOnly? StartDate, string? ReferralReason, string? CompetencyOverrideReason)
        : ICareTeamRequest
    {
        Guid? ICareTeamRequest.CareTherapistId => PrimaryTherapistId;
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(ClinicClock clock)
        {
            RuleFor(r => r.PatientId).NotEmpty();
            RuleFor(r => r.PrimaryTherapistId).NotEmpty();
            RuleFor(r => r.StartDate).NotNull()
                .Must(d => d >= clock.Today.AddYears(-2) && d <= clock.Today.AddYears(1))
                .WithMessage("startDate must be within two years before and one year after today.");
            RuleFor(r => r.ReferralReason).NotEmpty().FitsColumn((Episode e) => e.ReferralReason);
            RuleFor(r => r.CompetencyOverrideReason).FitsColumn((Episode e) => e.CompetencyOverrideReason);
        }
    }

    public static async Task<Results<Created<StudyEnrolmentResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, Request request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Study> logger, CancellationToken ct)
    {
        var study = await db.Studies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (study is null)
        {
            return Problems.NotFound("study", id);
        }

        if (study.Status != StudyStatus.Recruiting)
        {
            return Problems.Conflict("The study is closed to recruitment.");
        }

        var patientId = request.PatientId!.Value;
        var refusal = await RefusalAsync(study, patientId, request, db, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var screening = await db.Measurements.AsNoTracking().Current()
            .Where(m => m.PatientId == patientId && m.Instrument == Instruments.StartBackCode)
            .OrderByDescending(m => m.TakenAt).FirstOrDefaultAsync(ct);
        if (screening is null)
        {
            return Problems.Conflict("Screen the patient with STarT Back first: the study stratifies allocation by risk group.");
        }

        var stratum = KebabEnum.TryParse<StartBackRisk>(screening.Interpretation, out var risk) ? risk
            : throw new InvalidOperationException($"Screening {screening.Id} has no risk group.");
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var sequence = 1 + (await db.Allocations.Where(a => a.StudyId == id && a.Stratum == stratum).MaxAsync(a => (int?)a.Sequence, ct) ?? 0);
            var armId = study.ArmAt(stratum, sequence);
            var patient = await db.Patients.FirstAsync(p => p.Id == patientId, ct);
            var start = await EnrolPatient.StartAsync(db, patient, armId, request.PrimaryTherapistId!.Value, request.StartDate!.Value,
                request.ReferralReason!, request.CompetencyOverrideReason, previousEpisodeId: null, clock.UtcNow, ct);
            if (start.Problem is not null)
            {
                // Not reachable after RefusalAsync unless the data changed meanwhile; nothing was written.
                return start.Problem;
            }

            db.Allocations.Add(new Allocation
            {
                StudyId = id,
                Stratum = stratum,
                Sequence = sequence,
                ArmId = armId,
                PatientId = patientId,
                EpisodeId = start.Episode!.Id,
                ScreeningId = screening.Id,
                AllocatedBy = http.User.FindFirst(AuthSetup.SubjectClaim)?.Value ?? "unknown",
                AllocatedAt = clock.UtcNow,
            });
            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                if (await RefusalAsync(study, patientId, request, db, ct) is { } raced)
                {
                    return raced;
                }

                continue;
            }

            logger.LogInformation("Allocated patient {PatientId} in study {StudyId} ({Stratum} #{Sequence}) as episode {EpisodeId}",
                patientId, id, stratum, sequence, start.Episode.Id);
            ETags.Set(http.Response, start.Episode);
            return TypedResults.Created($"/episodes/{start.Episode.Id}", new StudyEnrolmentResponse(
                new AllocationResponse(id, stratum, sequence, armId, start.Arm!.Code), EpisodeResponse.From(start.Episode, start.Arm, 0)));
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy",
            detail: "Too many enrolments competed for the same allocation slot; retry.");
    }

    /// <summary>Every reason to refuse that does not depend on the allocated arm.</summary>
    private static async Task<ProblemHttpResult?> RefusalAsync(Study study, Guid patientId, Request request, ClinicDbContext db, CancellationToken ct)
    {
        var patient = await db.Patients.AsNoTracking().FirstOrDefaultAsync(p => p.Id == patientId, ct);
        if (patient is null)
        {
            return Problems.Unprocessable($"No patient with id {patientId} exists.");
        }

        if (patient.Status == PatientStatus.Archived)
        {
            return Problems.Conflict("The patient is archived: restore the record before enrolling.");
        }

        if (await db.Allocations.AnyAsync(a => a.StudyId == study.Id && a.PatientId == patientId, ct))
        {
            return Problems.Conflict("The patient has already been allocated in this study.");
        }

        if (await db.Episodes.AnyAsync(e => e.PatientId == patientId && e.Status == EpisodeStatus.Active, ct))
        {
            return EnrolPatient.AlreadyActive();
        }

        var therapist = await db.Therapists.AsNoTracking().FirstOrDefaultAsync(t => t.Id == request.PrimaryTherapistId, ct);
        if (therapist is null)
        {
            return Problems.Unprocessable($"No therapist with id {request.PrimaryTherapistId} exists.");
        }

        if (!therapist.IsActive)
        {
            return Problems.Conflict("The primary therapist is deactivated.");
        }

        // Any arm may come next, so the therapist must be able to lead every compared arm (or be overridden).
        var armIds = study.ArmIds;
        var arms = await db.Arms.AsNoTracking().Where(a => armIds.Contains(a.Id)).ToListAsync(ct);
        var missing = arms.SelectMany(a => Eligibility.MissingCompetencies(therapist, a)).Distinct().ToList();
        return missing.Count > 0 && string.IsNullOrWhiteSpace(request.CompetencyOverrideReason)
            ? Problems.Conflict($"The primary therapist does not hold {string.Join(", ", missing.Select(KebabEnum.Name))}, which an arm of this study needs. " +
                                "Choose a therapist trained for every compared arm, or give competencyOverrideReason.")
            : null;
    }
}

public static class StudiesEndpoints
{
    public static void MapStudies(this IEndpointRouteBuilder api)
    {
        var clinical = api.MapGroup("/studies").WithTags("Studies").RequireAuthorization(Policies.Clinical);
        clinical.MapGet("", ReadStudies.ListAsync).WithName("ListStudies").WithSummary("List the clinic's randomised comparisons")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        clinical.MapGet("/{id:guid}", ReadStudies.GetAsync).WithName("GetStudy").WithSummary("Get a study (arms, ratios, block sizes)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        clinical.MapPost("/{id:guid}/enrolments", EnrolInStudy.HandleAsync).WithName("EnrolInStudy")
            .WithSummary("Allocate a screened patient by stratified permuted blocks and enrol them in the allocated arm")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        var admin = api.MapGroup("/studies").WithTags("Studies").RequireAuthorization(Policies.Administration);
        admin.MapPost("", CreateStudy.HandleAsync).WithName("CreateStudy").WithSummary("Define a randomised comparison of arms (admin)")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapPost("/{id:guid}/close", ReadStudies.CloseAsync).WithName("CloseStudy").WithSummary("Close a study to recruitment (admin, If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapGet("/{id:guid}/audit", ReadStudies.AuditAsync).WithName("AuditStudy")
            .WithSummary("The seed and every allocation, recomputed from it (admin)").ProducesProblem(StatusCodes.Status404NotFound);
    }
}
