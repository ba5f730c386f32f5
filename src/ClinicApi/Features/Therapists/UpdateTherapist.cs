using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Therapists;

/// <summary><c>PUT /therapists/{id}</c> (admin, If-Match): details and the full set of competencies.</summary>
public static class UpdateTherapist
{
    public static async Task<Results<Ok<TherapistResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, TherapistDetails request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Therapist> logger, CancellationToken ct)
    {
        var loaded = await db.Therapists.ForUpdateAsync(id, "therapist", http.Request, ct);
        if (!loaded.Found)
        {
            return loaded.Problem;
        }

        var therapist = loaded.Row;

        var registration = request.RegistrationNumber!.Trim();
        if (registration != therapist.RegistrationNumber && await db.Therapists.AnyAsync(t => t.RegistrationNumber == registration, ct))
        {
            return TherapistRules.DuplicateRegistration();
        }

        request.ApplyTo(therapist, clock.UtcNow);
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
            return TherapistRules.DuplicateRegistration();
        }

        logger.LogInformation("Updated therapist {TherapistId} to version {Version}", therapist.Id, therapist.Version);
        ETags.Set(http.Response, therapist);
        return TypedResults.Ok(TherapistResponse.From(therapist));
    }
}
