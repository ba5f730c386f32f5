using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Studies;

/// <summary><c>POST /studies/{id}/close</c> (admin, If-Match): no further allocations.</summary>
public static class CloseStudy
{
    public static async Task<Results<Ok<StudyResponse>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, CancellationToken ct)
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
