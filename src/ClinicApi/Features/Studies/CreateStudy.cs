using System.Security.Cryptography;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Studies;

/// <summary><c>POST /studies</c> (admin): which arms are compared, in what ratio, with which block sizes and seed.</summary>
public static class CreateStudy
{
    /// <summary>2^53 - 1, the largest integer a JavaScript client reads exactly (Number.MAX_SAFE_INTEGER).</summary>
    public const long MaxSeed = (1L << 53) - 1;

    public sealed record Request(string? Name, IReadOnlyList<Guid>? ArmIds, IReadOnlyList<int>? Ratios, IReadOnlyList<int>? BlockMultipliers, long? Seed);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty().FitsColumn((Study s) => s.Name);
            RuleFor(r => r.Seed).InclusiveBetween(0, MaxSeed);
            RuleFor(r => r.ArmIds).NotNull().Must(a => a is { Count: >= 2 and <= 6 } && a.Distinct().Count() == a.Count && !a.Contains(Guid.Empty))
                .WithMessage("armIds must name 2 to 6 different arms.");
            RuleFor(r => r.Ratios).NotNull().Must((r, ratios) => ratios is not null && ratios.Count == (r.ArmIds?.Count ?? -1))
                .WithMessage("ratios must give one ratio per arm.");
            RuleForEach(r => r.Ratios).InclusiveBetween(1, 10);
            RuleFor(r => r.BlockMultipliers).Must(m => m is null || (m.Count is >= 1 and <= 4 && m.Distinct().Count() == m.Count))
                .WithMessage("blockMultipliers must hold 1 to 4 different values.");
            RuleForEach(r => r.BlockMultipliers).InclusiveBetween(1, 5);
        }
    }

    public static async Task<Results<Created<StudyResponse>, ProblemHttpResult>> HandleAsync(
        Request request, ClinicDbContext db, ClinicClock clock, HttpResponse response, ILogger<Study> logger, CancellationToken ct)
    {
        var armIds = request.ArmIds!;
        var known = await db.Arms.CountAsync(a => armIds.Contains(a.Id), ct);
        if (known != armIds.Count)
        {
            return Problems.Unprocessable("armIds names an arm that does not exist.");
        }

        var study = new Study
        {
            Name = request.Name!.Trim(),
            ArmIdList = string.Join(',', armIds),
            RatioList = string.Join(',', request.Ratios!),
            BlockMultiplierList = string.Join(',', request.BlockMultipliers ?? [1, 2]),
            // Below 2^53, like a given seed: JavaScript reads JSON numbers as doubles and would change a larger one.
            Seed = request.Seed ?? (BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & MaxSeed),
            CreatedAt = clock.UtcNow,
            UpdatedAt = clock.UtcNow,
        };
        db.Studies.Add(study);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Created study {StudyId}", study.Id);
        ETags.Set(response, study);
        return TypedResults.Created($"/studies/{study.Id}", await StudyViews.ResponseAsync(study, db, ct));
    }
}
