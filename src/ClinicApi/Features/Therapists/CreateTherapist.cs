using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Therapists;

/// <summary><c>POST /therapists</c> (admin): a registration number already in use is a 409.</summary>
public static class CreateTherapist
{
    public static async Task<Results<Created<TherapistResponse>, ProblemHttpResult>> HandleAsync(
        TherapistDetails request, ClinicDbContext db, ClinicClock clock, HttpResponse response, ILogger<Therapist> logger, CancellationToken ct)
    {
        var registration = request.RegistrationNumber!.Trim();
        if (await db.Therapists.AnyAsync(t => t.RegistrationNumber == registration, ct))
        {
            return TherapistRules.DuplicateRegistration();
        }

        var therapist = new Therapist { GivenName = string.Empty, FamilyName = string.Empty, RegistrationNumber = registration, CreatedAt = clock.UtcNow };
        request.ApplyTo(therapist, clock.UtcNow);
        db.Therapists.Add(therapist);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return TherapistRules.DuplicateRegistration();
        }

        logger.LogInformation("Created therapist {TherapistId}", therapist.Id);
        ETags.Set(response, therapist);
        return TypedResults.Created($"/therapists/{therapist.Id}", TherapistResponse.From(therapist));
    }
}
