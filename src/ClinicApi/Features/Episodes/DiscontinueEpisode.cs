using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicApi.Features.Episodes;

// Partial so that each ending of an episode has its own file while its request keeps the schema name the published
// OpenAPI document gives it (EndEpisodeDiscontinueRequest).
/// <summary><c>POST /episodes/{id}/discontinue</c> (If-Match): ends an active episode, with the reason.</summary>
public static partial class EndEpisode
{
    public sealed record DiscontinueRequest(DateOnly? EndDate, string? Reason);

    public sealed class DiscontinueValidator : AbstractValidator<DiscontinueRequest>
    {
        public DiscontinueValidator(ClinicClock clock)
        {
            RuleFor(r => r.EndDate).NotNull().Must(d => d <= clock.Today).WithMessage("endDate cannot be in the future.");
            RuleFor(r => r.Reason).NotEmpty().FitsColumn((Episode e) => e.DiscontinuationReason);
        }
    }

    public static Task<Results<Ok<EpisodeResponse>, ProblemHttpResult>> DiscontinueAsync(
        Guid id, DiscontinueRequest request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Episode> logger, CancellationToken ct) =>
        EpisodeRules.EndAsync(id, EpisodeStatus.Discontinued, request.EndDate!.Value, request.Reason!.Trim(), db, clock, http, logger, ct);
}
