using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
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
            return DuplicateRegistration();
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
            return DuplicateRegistration();
        }

        logger.LogInformation("Created therapist {TherapistId}", therapist.Id);
        ETags.Set(response, therapist);
        return TypedResults.Created($"/therapists/{therapist.Id}", TherapistResponse.From(therapist));
    }

    internal static ProblemHttpResult DuplicateRegistration() =>
        Problems.Conflict("Another therapist already has this registration number or user id.");
}

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

/// <summary><c>GET /therapists</c>: alphabetical, keyset-paginated, filtered by competency, active flag and name.</summary>
public static class ListTherapists
{
    public sealed class Query
    {
        /// <summary>Part of the family or given name.</summary>
        public string? Search { get; init; }

        /// <summary>Only therapists holding this competency, e.g. <c>cognitive-behavioural-therapy</c>.</summary>
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

/// <summary><c>PUT /therapists/{id}</c> (admin, If-Match): details and the full set of competencies.</summary>
public static class UpdateTherapist
{
    public static async Task<Results<Ok<TherapistResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, TherapistDetails request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Therapist> logger, CancellationToken ct)
    {
        var loaded = await db.Therapists.ForUpdateAsync(id, "therapist", http.Request, ct);
        if (!loaded.Found)
        {
            return loaded.Problem;
        }

        var therapist = loaded.Row;

        var registration = request.RegistrationNumber!.Trim();
        if (registration != therapist.RegistrationNumber && await db.Therapists.AnyAsync(t => t.RegistrationNumber == registration, ct))
        {
            return CreateTherapist.DuplicateRegistration();
        }

        request.ApplyTo(therapist, clock.UtcNow);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return CreateTherapist.DuplicateRegistration();
        }

        logger.LogInformation("Updated therapist {TherapistId} to version {Version}", therapist.Id, therapist.Version);
        ETags.Set(http.Response, therapist);
        return TypedResults.Ok(TherapistResponse.From(therapist));
    }
}

/// <summary><c>POST /therapists/{id}/deactivate</c> and <c>/activate</c> (admin, If-Match).</summary>
public static class ChangeTherapistActivity
{
    public static Task<Results<Ok<TherapistResponse>, ProblemHttpResult>> DeactivateAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Therapist> logger, CancellationToken ct) =>
        ChangeAsync(id, false, db, clock, http, logger, ct);

    public static Task<Results<Ok<TherapistResponse>, ProblemHttpResult>> ActivateAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Therapist> logger, CancellationToken ct) =>
        ChangeAsync(id, true, db, clock, http, logger, ct);

    private static async Task<Results<Ok<TherapistResponse>, ProblemHttpResult>> ChangeAsync(
        Guid id, bool active, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<Therapist> logger, CancellationToken ct)
    {
        var loaded = await db.Therapists.ForUpdateAsync(id, "therapist", http.Request, ct);
        if (!loaded.Found)
        {
            return loaded.Problem;
        }

        var therapist = loaded.Row;

        if (therapist.IsActive == active)
        {
            return Problems.Conflict(active ? "The therapist is already active." : "The therapist is already deactivated.");
        }

        therapist.IsActive = active;
        therapist.DeactivatedAt = active ? null : clock.UtcNow;
        therapist.UpdatedAt = clock.UtcNow;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }

        logger.LogInformation("Therapist {TherapistId} active: {IsActive}", therapist.Id, therapist.IsActive);
        ETags.Set(http.Response, therapist);
        return TypedResults.Ok(TherapistResponse.From(therapist));
    }
}
