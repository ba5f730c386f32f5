using ClinicApi.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Studies;

public static class ListStudies
{
    public static async Task<Ok<List<StudyResponse>>> HandleAsync(ClinicDbContext db, CancellationToken ct)
    {
        var studies = await db.Studies.AsNoTracking().OrderByDescending(s => s.CreatedAt).Take(100).ToListAsync(ct);
        var responses = new List<StudyResponse>(studies.Count);
        foreach (var study in studies)
        {
            responses.Add(await StudyViews.ResponseAsync(study, db, ct));
        }

        return TypedResults.Ok(responses);
    }
}
