using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Scheduling;

/// <summary><c>GET /therapists/{id}/calendar</c>: a therapist's sessions in a range of local dates (their own, for a therapist).</summary>
public static class GetTherapistCalendar
{
    public sealed class RangeQuery
    {
        /// <summary>First local date (yyyy-MM-dd).</summary>
        public DateOnly? From { get; init; }

        /// <summary>Last local date, inclusive; at most 31 days after <c>from</c>.</summary>
        public DateOnly? To { get; init; }

        public bool? IncludeCancelled { get; init; }
    }

    public sealed class RangeValidator : AbstractValidator<RangeQuery>
    {
        public RangeValidator() => this.LocalDateRange(q => q.From, q => q.To);
    }

    public static async Task<Results<Ok<List<SessionResponse>>, ProblemHttpResult>> HandleAsync(
        Guid id, [AsParameters] RangeQuery query, ClinicDbContext db, ClinicClock clock, HttpContext http, CancellationToken ct)
    {
        var restricted = CareTeam.IsRestricted(http.User);
        if (restricted)
        {
            if (!await db.Therapists.AnyAsync(t => t.Id == id, ct))
            {
                return Problems.NotFound("therapist", id);
            }

            if (await CareTeam.TherapistIdAsync(http, db, ct) != id)
            {
                return CareTeam.OwnOnly("calendar");
            }
        }

        var (from, to) = clock.UtcRange(query.From!.Value, query.To!.Value);
        var includeCancelled = query.IncludeCancelled ?? false;
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => s.TherapistId == id && s.StartsAt >= from && s.StartsAt < to && (includeCancelled || s.Status != SessionStatus.Cancelled))
            .OrderBy(s => s.StartsAt).Take(1000).ToListAsync(ct);
        // Sessions prove the therapist exists; only an empty week is worth a round trip to ask.
        if (!restricted && sessions.Count == 0 && !await db.Therapists.AnyAsync(t => t.Id == id, ct))
        {
            return Problems.NotFound("therapist", id);
        }

        return TypedResults.Ok(sessions.Select(s => SessionResponse.From(s, clock)).ToList());
    }
}
