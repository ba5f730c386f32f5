using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Arms;

/// <summary><c>PUT /arms/{id}</c> (admin, If-Match): only a clinic arm that no episode uses.</summary>
public static class UpdateArm
{
    public static async Task<Results<Ok<ArmResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, ArmDetails request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<TreatmentArm> logger, CancellationToken ct)
    {
        var (arm, problem) = await ArmRules.LoadChangeableAsync(id, db, http.Request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (request.Code != arm!.Code && await db.Arms.AnyAsync(a => a.Code == request.Code, ct))
        {
            return ArmRules.DuplicateCode();
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
            return ArmRules.DuplicateCode();
        }

        logger.LogInformation("Changed treatment arm {ArmId} to version {Version}", arm.Id, arm.Version);
        ETags.Set(http.Response, arm);
        return TypedResults.Ok(ArmResponse.From(arm));
    }
}
