using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Scheduling;

public sealed record DaySheetTherapist(Guid TherapistId, string GivenName, string FamilyName, IReadOnlyList<SessionResponse> Sessions);

public sealed record DaySheet(DateOnly Date, string TimeZone, IReadOnlyList<DaySheetTherapist> Therapists);

/// <summary><c>GET /day-sheet</c>: every therapist's sessions on one local date (a therapist sees their own).</summary>
public static class GetDaySheet
{
    public sealed class DaySheetQuery
    {
        /// <summary>The local date (yyyy-MM-dd).</summary>
        public DateOnly? Date { get; init; }
    }

    public sealed class DaySheetValidator : AbstractValidator<DaySheetQuery>
    {
        public DaySheetValidator() => RuleFor(q => q.Date).NotNull();
    }

    public static async Task<Ok<DaySheet>> HandleAsync(
        [AsParameters] DaySheetQuery query, ClinicDbContext db, ClinicClock clock, HttpContext http, CancellationToken ct)
    {
        var (from, to) = clock.UtcRange(query.Date!.Value, query.Date.Value);
        var sessions = db.Sessions.AsNoTracking().Where(s => s.StartsAt >= from && s.StartsAt < to);
        if (CareTeam.IsRestricted(http.User))
        {
            // A therapist's day sheet is their own.
            var own = await CareTeam.TherapistIdAsync(http, db, ct);
            sessions = sessions.Where(s => s.TherapistId == own);
        }

        var rows = await sessions
            .Join(db.Therapists, s => s.TherapistId, t => t.Id, (s, t) => new { Session = s, t.GivenName, t.FamilyName })
            .OrderBy(x => x.FamilyName).ThenBy(x => x.Session.TherapistId).ThenBy(x => x.Session.StartsAt)
            .Take(2000).ToListAsync(ct);
        var therapists = rows.GroupBy(x => x.Session.TherapistId)
            .Select(g => new DaySheetTherapist(g.Key, g.First().GivenName, g.First().FamilyName, g.Select(x => SessionResponse.From(x.Session, clock)).ToList()))
            .ToList();
        return TypedResults.Ok(new DaySheet(query.Date.Value, clock.Zone.Id, therapists));
    }
}
