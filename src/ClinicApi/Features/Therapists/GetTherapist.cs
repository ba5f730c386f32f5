using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Therapists;

public static class GetTherapist
{
    public static async Task<Results<Ok<TherapistResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, ClinicDbContext db, HttpResponse response, CancellationToken ct)
    {
        var therapist = await db.Therapists.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        if (therapist is null)
        {
            return Problems.NotFound("therapist", id);
        }

        ETags.Set(response, therapist);
        return TypedResults.Ok(TherapistResponse.From(therapist));
    }
}
