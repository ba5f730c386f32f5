using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Arms;

/// <summary>
/// Which arms may change: only a clinic arm that no episode uses. Once used, its protocol is part of patients'
/// records: a different protocol is a new arm.
/// </summary>
internal static class ArmRules
{
    internal static ProblemHttpResult DuplicateCode() => Problems.Conflict("Another treatment arm already has this code.");

    internal static async Task<(TreatmentArm? Arm, ProblemHttpResult? Problem)> LoadChangeableAsync(
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

    internal static ProblemHttpResult InUse() =>
        Problems.Conflict("Episodes of care use this arm, so its protocol is part of their record: create a new arm for a different protocol.");
}
