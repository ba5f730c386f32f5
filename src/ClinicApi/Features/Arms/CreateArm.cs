using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Arms;

/// <summary><c>POST /arms</c> (admin): a clinic-specific arm.</summary>
public static class CreateArm
{
    public static async Task<Results<Created<ArmResponse>, ProblemHttpResult>> HandleAsync(
        ArmDetails request, ClinicDbContext db, ClinicClock clock, HttpResponse response, ILogger<TreatmentArm> logger, CancellationToken ct)
    {
        if (await db.Arms.AnyAsync(a => a.Code == request.Code, ct))
        {
            return ArmRules.DuplicateCode();
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
            return ArmRules.DuplicateCode();
        }

        logger.LogInformation("Created treatment arm {ArmId}", arm.Id);
        ETags.Set(response, arm);
        return TypedResults.Created($"/arms/{arm.Id}", ArmResponse.From(arm));
    }
}
