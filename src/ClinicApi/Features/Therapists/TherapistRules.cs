using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Therapists;

internal static class TherapistRules
{
    internal static ProblemHttpResult DuplicateRegistration() =>
        Problems.Conflict("Another therapist already has this registration number or user id.");

    /// <summary>Deactivating and reactivating: a soft flag, so nothing the therapist did leaves the records.</summary>
    internal static async Task<Results<Ok<TherapistResponse>, ProblemHttpResult>> ChangeActivityAsync(
        Guid id, bool active, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Therapist> logger, CancellationToken ct)
    {
        var loaded = await db.Therapists.ForUpdateAsync(id, "therapist", http.Request, ct);
        if (!loaded.Found)
        {
            return loaded.Problem;
        }

        var therapist = loaded.Row;

        if (therapist.IsActive == active)
        {
            return Problems.Conflict(active ? "The therapist is already active." : "The therapist is already deactivated.");
        }

        therapist.IsActive = active;
        therapist.DeactivatedAt = active ? null : clock.UtcNow;
        therapist.UpdatedAt = clock.UtcNow;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }

        logger.LogInformation("Therapist {TherapistId} active: {IsActive}", therapist.Id, therapist.IsActive);
        ETags.Set(http.Response, therapist);
        return TypedResults.Ok(TherapistResponse.From(therapist));
    }
}
