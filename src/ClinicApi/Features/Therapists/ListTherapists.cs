using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Therapists;

/// <summary><c>GET /therapists</c>: alphabetical, keyset-paginated, filtered by competency, active flag and name.</summary>
public static class ListTherapists
{
    public sealed class Query
    {
        /// <summary>Part of the family or given name.</summary>
        public string? Search { get; init; }

        /// <summary>Only therapists holding this competency, e.g. <c>cognitive-behavioural-therapy</c>.</summary>
        [OpenApiValues(typeof(Competency))]
        public string? Competency { get; init; }

        /// <summary><c>true</c> (default) lists active therapists, <c>false</c> deactivated ones.</summary>
        public bool? Active { get; init; }

        public string? Cursor { get; init; }

        public int? Limit { get; init; }
    }

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Search).MaximumLength(Therapist.NameMax);
            RuleFor(q => q.Competency).Must(c => c is null || KebabEnum.TryParse<Competency>(c, out _))
                .WithMessage($"competency must be one of: {KebabEnum.Names<Competency>()}.");
            RuleFor(q => q.Cursor).Must(c => NameCursor.TryDecode(c, out _)).WithMessage("cursor is not one this API issued.");
            RuleFor(q => q.Limit).GreaterThanOrEqualTo(1);
        }
    }

    public static async Task<Ok<Page<TherapistResponse>>> HandleAsync([AsParameters] Query query, ClinicDbContext db, CancellationToken ct)
    {
        var active = query.Active ?? true;
        var therapists = db.Therapists.AsNoTracking().Where(t => t.IsActive == active);
        if (KebabEnum.TryParse<Competency>(query.Competency, out var competency))
        {
            therapists = therapists.Where(t => t.Competencies.Any(c => c.Competency == competency));
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim();
            therapists = therapists.Where(t => t.FamilyName.Contains(term) || t.GivenName.Contains(term));
        }

        NameCursor.TryDecode(query.Cursor, out var cursor);
        var page = await therapists.After(cursor).OrderByName()
            .ToPageAsync(NameCursor.EffectiveLimit(query.Limit), TherapistResponse.From, ct);
        return TypedResults.Ok(page);
    }
}
