using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Studies;

public static class GetStudy
{
    public static async Task<Results<Ok<StudyResponse>, ProblemHttpResult>> HandleAsync(Guid id, ClinicDbContext db, HttpResponse response, CancellationToken ct)
    {
        var study = await db.Studies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (study is null)
        {
            return Problems.NotFound("study", id);
        }

        ETags.Set(response, study);
        return TypedResults.Ok(await StudyViews.ResponseAsync(study, db, ct));
    }
}
