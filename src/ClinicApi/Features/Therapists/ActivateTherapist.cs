using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicApi.Features.Therapists;

/// <summary><c>POST /therapists/{id}/activate</c> (admin, If-Match).</summary>
public static class ActivateTherapist
{
    public static Task<Results<Ok<TherapistResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Therapist> logger, CancellationToken ct) =>
        TherapistRules.ChangeActivityAsync(id, true, db, clock, http, logger, ct);
}
