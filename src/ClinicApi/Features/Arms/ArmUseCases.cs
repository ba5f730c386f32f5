using ClinicApi.Data;
using ClinicApi.Features.Evidence;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Arms;

public sealed record ArmResponse(
    Guid Id,
    string Code,
    string Name,
    string? Description,
    bool IsCatalogue,
    ArmProtocol Protocol,
    IReadOnlyList<string> EvidenceIds,
    int? EvidenceMinAge,
    int? EvidenceMaxAge,
    int Version)
{
    public static ArmResponse From(TreatmentArm a) => new(
        a.Id, a.Code, a.Name, a.Description, a.IsCatalogue,
        new ArmProtocol(a.SessionsPerWeek, a.Weeks, a.PlannedSessions,
            a.SessionKinds.Select(k => new ArmSessionKind(k, SessionKinds.RequiredCompetency(k))).ToList()),
        a.EvidenceIds, a.EvidenceMinAge, a.EvidenceMaxAge, a.Version);
}

/// <summary>The protocol: how many sessions, of which kinds, and the competency each kind needs.</summary>
public sealed record ArmProtocol(int SessionsPerWeek, int Weeks, int PlannedSessions, IReadOnlyList<ArmSessionKind> SessionKinds);

public sealed record ArmSessionKind(SessionKind Kind, Competency RequiredCompetency);

/// <summary>The body of creating and of changing a clinic arm.</summary>
public sealed record ArmDetails(
    string? Code,
    string? Name,
    string? Description,
    int? SessionsPerWeek,
    int? Weeks,
    IReadOnlyList<SessionKind>? SessionKinds,
    IReadOnlyList<string>? EvidenceIds,
    int? EvidenceMinAge,
    int? EvidenceMaxAge)
{
    public sealed class Validator : AbstractValidator<ArmDetails>
    {
        public Validator(EvidenceCatalogue evidence)
        {
            RuleFor(a => a.Code).NotEmpty().FitsColumn((TreatmentArm t) => t.Code).Matches("^[a-z0-9]+(-[a-z0-9]+)*$")
                .WithMessage("code must be kebab-case: lower-case letters and digits separated by '-'.");
            RuleFor(a => a.Name).NotEmpty().FitsColumn((TreatmentArm t) => t.Name);
            RuleFor(a => a.Description).FitsColumn((TreatmentArm t) => t.Description);
            RuleFor(a => a.SessionsPerWeek).NotNull().InclusiveBetween(1, 7);
            RuleFor(a => a.Weeks).NotNull().InclusiveBetween(1, 52);
            RuleFor(a => a.SessionKinds).NotEmpty()
                .Must(k => k is null || k.Distinct().Count() == k.Count).WithMessage("sessionKinds lists a kind twice.");
            RuleForEach(a => a.SessionKinds).IsInEnum();
            RuleFor(a => a.EvidenceIds).NotNull().WithMessage("evidenceIds is required (an empty list is allowed).")
                .Must(e => e is null || e.Count <= 20);
            RuleForEach(a => a.EvidenceIds).Must(evidence.IsComparable)
                .WithMessage("'{PropertyValue}' is not an effect or trajectory of the evidence catalogue (GET /evidence).");
            RuleFor(a => a.EvidenceMinAge).InclusiveBetween(0, 120);
            RuleFor(a => a.EvidenceMaxAge).InclusiveBetween(0, 120)
                .GreaterThanOrEqualTo(a => a.EvidenceMinAge ?? 0).When(a => a.EvidenceMaxAge is not null);
        }
    }

    public void ApplyTo(TreatmentArm arm, DateTime now)
    {
        arm.Code = Code!;
        arm.Name = Name!.Trim();
        arm.Description = string.IsNullOrWhiteSpace(Description) ? null : Description.Trim();
        arm.SessionsPerWeek = SessionsPerWeek!.Value;
        arm.Weeks = Weeks!.Value;
        arm.SessionKinds = SessionKinds!;
        arm.EvidenceIds = EvidenceIds!;
        arm.EvidenceMinAge = EvidenceMinAge;
        arm.EvidenceMaxAge = EvidenceMaxAge;
        arm.UpdatedAt = now;
    }
}

public static class ListArms
{
    /// <summary>The whole catalogue: a handful of rows, so no paging.</summary>
    public static async Task<Ok<List<ArmResponse>>> HandleAsync(ClinicDbContext db, CancellationToken ct)
    {
        var arms = await db.Arms.AsNoTracking().OrderByDescending(a => a.IsCatalogue).ThenBy(a => a.Code).Take(500).ToListAsync(ct);
        return TypedResults.Ok(arms.Select(ArmResponse.From).ToList());
    }
}

public static class GetArm
{
    public static async Task<Results<Ok<ArmResponse>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, HttpResponse response, CancellationToken ct)
    {
        var arm = await db.Arms.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (arm is null)
        {
            return Problems.NotFound("treatment arm", id);
        }

        ETags.Set(response, arm);
        return TypedResults.Ok(ArmResponse.From(arm));
    }
}

/// <summary><c>POST /arms</c> (admin): a clinic-specific arm.</summary>
public static class CreateArm
{
    public static async Task<Results<Created<ArmResponse>, ProblemHttpResult>> HandleAsync(
        ArmDetails request, ClinicDbContext db, ClinicClock clock, HttpResponse response, ILogger<TreatmentArm> logger, CancellationToken ct)
    {
        if (await db.Arms.AnyAsync(a => a.Code == request.Code, ct))
        {
            return DuplicateCode();
        }

        var arm = new TreatmentArm { Code = request.Code!, Name = request.Name!, CreatedAt = clock.UtcNow };
        request.ApplyTo(arm, clock.UtcNow);
        db.Arms.Add(arm);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return DuplicateCode();
        }

        logger.LogInformation("Created treatment arm {ArmId}", arm.Id);
        ETags.Set(response, arm);
        return TypedResults.Created($"/arms/{arm.Id}", ArmResponse.From(arm));
    }

    internal static ProblemHttpResult DuplicateCode() => Problems.Conflict("Another treatment arm already has this code.");
}

/// <summary>
/// <c>PUT /arms/{id}</c> and <c>DELETE /arms/{id}</c> (admin, If-Match): only a clinic arm that no episode uses.
/// Once used, its protocol is part of patients' records: a different protocol is a new arm.
/// </summary>
public static class ChangeArm
{
    public static async Task<Results<Ok<ArmResponse>, ProblemHttpResult>> UpdateAsync(
        Guid id, ArmDetails request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<TreatmentArm> logger, CancellationToken ct)
    {
        var (arm, problem) = await LoadChangeableAsync(id, db, http.Request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (request.Code != arm!.Code && await db.Arms.AnyAsync(a => a.Code == request.Code, ct))
        {
            return CreateArm.DuplicateCode();
        }

        request.ApplyTo(arm, clock.UtcNow);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return CreateArm.DuplicateCode();
        }

        logger.LogInformation("Changed treatment arm {ArmId} to version {Version}", arm.Id, arm.Version);
        ETags.Set(http.Response, arm);
        return TypedResults.Ok(ArmResponse.From(arm));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClinicDbContext db, HttpContext http, ILogger<TreatmentArm> logger, CancellationToken ct)
    {
        var (arm, problem) = await LoadChangeableAsync(id, db, http.Request, ct);
        if (problem is not null)
        {
            return problem;
        }

        db.Arms.Remove(arm!);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }
        catch (DbUpdateException)
        {
            // An enrolment raced in between the check and the delete: the foreign key kept the arm.
            return InUse();
        }

        logger.LogInformation("Deleted unused treatment arm {ArmId}", id);
        return TypedResults.NoContent();
    }

    private static async Task<(TreatmentArm? Arm, ProblemHttpResult? Problem)> LoadChangeableAsync(
        Guid id, ClinicDbContext db, HttpRequest request, CancellationToken ct)
    {
        var loaded = await db.Arms.ForUpdateAsync(id, "treatment arm", request, ct);
        if (!loaded.Found)
        {
            return (loaded.Row, loaded.Problem);
        }

        var arm = loaded.Row;

        if (arm.IsCatalogue)
        {
            return (arm, Problems.Conflict("Catalogue arms follow the published trials and cannot be changed or deleted: create a clinic arm instead."));
        }

        return await db.Episodes.AnyAsync(e => e.ArmId == id, ct) ? (arm, InUse()) : (arm, null);
    }

    private static ProblemHttpResult InUse() =>
        Problems.Conflict("Episodes of care use this arm, so its protocol is part of their record: create a new arm for a different protocol.");
}

public static class ArmsEndpoints
{
    public static void MapArms(this IEndpointRouteBuilder api)
    {
        var read = api.MapGroup("/arms").WithTags("Treatment arms").RequireAuthorization(Policies.StaffDirectory);
        read.MapGet("", ListArms.HandleAsync).WithName("ListArms").WithSummary("List treatment arms with their protocols")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        read.MapGet("/{id:guid}", GetArm.HandleAsync).WithName("GetArm").WithSummary("Get a treatment arm, with its ETag")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var admin = api.MapGroup("/arms").WithTags("Treatment arms").RequireAuthorization(Policies.Administration);
        admin.MapPost("", CreateArm.HandleAsync).WithName("CreateArm").WithSummary("Add a clinic-specific arm (admin)")
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPut("/{id:guid}", ChangeArm.UpdateAsync).WithName("UpdateArm")
            .WithSummary("Change a clinic arm that no episode uses (admin, If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapDelete("/{id:guid}", ChangeArm.DeleteAsync).WithName("DeleteArm")
            .WithSummary("Delete a clinic arm that no episode uses (admin, If-Match)")
            .ProducesConcurrencyProblems().ProducesProblem(StatusCodes.Status409Conflict);
    }
}
