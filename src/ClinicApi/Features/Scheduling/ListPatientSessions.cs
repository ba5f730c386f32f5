using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Scheduling;

/// <summary><c>GET /patients/{id}/sessions</c>: upcoming or past sessions, bounded.</summary>
public static class ListPatientSessions
{
    public static IReadOnlyList<string> WhenValues { get; } = ["upcoming", "past"];

    public sealed class PatientSessionsQuery
    {
        /// <summary><c>upcoming</c> (default, soonest first) or <c>past</c> (latest first).</summary>
        [OpenApiValues(typeof(ListPatientSessions), nameof(WhenValues))]
        public string? When { get; init; }

        public int? Limit { get; init; }
    }

    public sealed class PatientSessionsValidator : AbstractValidator<PatientSessionsQuery>
    {
        public PatientSessionsValidator()
        {
            RuleFor(q => q.When).Must(w => w is null || WhenValues.Contains(w)).WithMessage("when is upcoming or past.");
            RuleFor(q => q.Limit).InclusiveBetween(1, NameCursor.MaxLimit);
        }
    }

    public static async Task<Results<Ok<List<SessionResponse>>, ProblemHttpResult>> HandleAsync(
        Guid id, [AsParameters] PatientSessionsQuery query, ClinicDbContext db, ClinicClock clock, CancellationToken ct)
    {
        if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
        {
            return Problems.NotFound("patient", id);
        }

        var now = clock.UtcNow;
        var limit = query.Limit ?? NameCursor.DefaultLimit;
        var sessions = db.Sessions.AsNoTracking().Where(s => s.PatientId == id);
        sessions = query.When == "past"
            ? sessions.Where(s => s.StartsAt < now).OrderByDescending(s => s.StartsAt)
            : sessions.Where(s => s.StartsAt >= now).OrderBy(s => s.StartsAt);
        var rows = await sessions.Take(limit).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(s => SessionResponse.From(s, clock)).ToList());
    }
}
