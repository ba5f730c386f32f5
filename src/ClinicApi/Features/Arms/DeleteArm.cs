using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Arms;

/// <summary><c>DELETE /arms/{id}</c> (admin, If-Match): only a clinic arm that no episode uses.</summary>
public static class DeleteArm
{
    public static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(
        Guid id, ClinicDbContext db, HttpContext http, ILogger<TreatmentArm> logger, CancellationToken ct)
    {
        var (arm, problem) = await ArmRules.LoadChangeableAsync(id, db, http.Request, ct);
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
            return ArmRules.InUse();
        }

        logger.LogInformation("Deleted unused treatment arm {ArmId}", id);
        return TypedResults.NoContent();
    }
}
