using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicApi.Features.Episodes;

// Partial so that each ending of an episode has its own file while its request keeps the schema name the published
// OpenAPI document gives it (EndEpisodeCompleteRequest).
/// <summary><c>POST /episodes/{id}/complete</c> (If-Match): an active episode ends once.</summary>
public static partial class EndEpisode
{
    public sealed record CompleteRequest(DateOnly? EndDate);

    public sealed class CompleteValidator : AbstractValidator<CompleteRequest>
    {
        public CompleteValidator(ClinicClock clock) =>
            RuleFor(r => r.EndDate).NotNull().Must(d => d <= clock.Today).WithMessage("endDate cannot be in the future.");
    }

    public static Task<Results<Ok<EpisodeResponse>, ProblemHttpResult>> CompleteAsync(
        Guid id, CompleteRequest request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Episode> logger, CancellationToken ct) =>
        EpisodeRules.EndAsync(id, EpisodeStatus.Completed, request.EndDate!.Value, null, db, clock, http, logger, ct);
}
