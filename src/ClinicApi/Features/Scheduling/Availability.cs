using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Scheduling;

public sealed record WorkingRange(DayOfWeek Weekday, string StartsAt, string EndsAt);

public sealed record WorkingHoursResponse(Guid TherapistId, string TimeZone, IReadOnlyList<WorkingRange> Ranges);

/// <summary>A period of time off; <c>reason</c> is null for another therapist (it can say why someone is absent).</summary>
public sealed record TimeOffResponse(Guid Id, Guid TherapistId, DateTime StartsAt, DateTime EndsAt, string? Reason);

public sealed record FreeSlot(DateTime StartsAt, string LocalStart);

/// <summary>Weekly working hours (local time) and time off; free start times are derived from them.</summary>
public static class Availability
{
    public sealed record WorkingHoursRequest(IReadOnlyList<WorkingRange>? Ranges);

    public sealed record TimeOffRequest(DateTime? StartsAt, DateTime? EndsAt, string? Reason);

    public sealed class WorkingHoursValidator : AbstractValidator<WorkingHoursRequest>
    {
        public WorkingHoursValidator()
        {
            RuleFor(r => r.Ranges).NotNull().Must(r => r is null || r.Count <= 28).WithMessage("ranges holds at most 28 ranges.");
            RuleForEach(r => r.Ranges).ChildRules(range =>
            {
                range.RuleFor(x => x.Weekday).IsInEnum();
                range.RuleFor(x => x.StartsAt).Must(t => TryTime(t, out _)).WithMessage("startsAt is a local time such as 09:00.");
                range.RuleFor(x => x.EndsAt).Must(t => TryTime(t, out _)).WithMessage("endsAt is a local time such as 17:30.")
                    .Must((x, end) => !TryTime(x.StartsAt, out var s) || !TryTime(end, out var e) || e > s).WithMessage("endsAt must be after startsAt.");
            });
            RuleFor(r => r.Ranges).Must(NotOverlapping!).When(r => r.Ranges is not null && r.Ranges.All(x => TryTime(x.StartsAt, out _) && TryTime(x.EndsAt, out _)))
                .WithMessage("ranges of the same weekday must not overlap.");
        }

        private static bool NotOverlapping(IReadOnlyList<WorkingRange> ranges) =>
            ranges.GroupBy(r => r.Weekday).All(day =>
            {
                var sorted = day.Select(r => (Start: Time(r.StartsAt), End: Time(r.EndsAt))).OrderBy(r => r.Start).ToList();
                return sorted.Zip(sorted.Skip(1)).All(p => p.First.End <= p.Second.Start);
            });
    }

    public sealed class TimeOffValidator : AbstractValidator<TimeOffRequest>
    {
        public TimeOffValidator()
        {
            RuleFor(r => r.StartsAt).NotNull();
            RuleFor(r => r.EndsAt).NotNull().GreaterThan(r => r.StartsAt).WithMessage("endsAt must be after startsAt.")
                .Must((r, end) => r.StartsAt is null || end is null || end.Value - r.StartsAt.Value <= TimeSpan.FromDays(366)).WithMessage("time off spans at most a year.");
            RuleFor(r => r.Reason).NotEmpty().FitsColumn((TimeOff t) => t.Reason);
        }
    }

    public sealed class FreeSlotsQuery
    {
        /// <summary>First local date (yyyy-MM-dd).</summary>
        public DateOnly? From { get; init; }

        /// <summary>Last local date, inclusive; at most 31 days after <c>from</c>.</summary>
        public DateOnly? To { get; init; }

        public int? DurationMinutes { get; init; }

        /// <summary>Spacing of candidate start times, 5 to 60 minutes (default 15).</summary>
        public int? StepMinutes { get; init; }
    }

    public sealed class FreeSlotsValidator : AbstractValidator<FreeSlotsQuery>
    {
        public FreeSlotsValidator()
        {
            this.LocalDateRange(q => q.From, q => q.To);
            RuleFor(q => q.DurationMinutes).NotNull().InclusiveBetween(BookingRules.MinDuration, BookingRules.MaxDuration);
            RuleFor(q => q.StepMinutes).InclusiveBetween(5, 60);
        }
    }

    public static async Task<Results<Ok<WorkingHoursResponse>, ProblemHttpResult>> GetWorkingHoursAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpResponse response, CancellationToken ct)
    {
        if (!await db.Therapists.AnyAsync(t => t.Id == id, ct))
        {
            return Problems.NotFound("therapist", id);
        }

        var ranges = await RangesAsync(db, id, ct);
        response.Headers.ETag = ETagOf(ranges);
        return TypedResults.Ok(new WorkingHoursResponse(id, clock.Zone.Id, ranges));
    }

    /// <summary>Replaces the whole weekly schedule; If-Match carries the ETag of the schedule that was read.</summary>
    public static async Task<Results<Ok<WorkingHoursResponse>, ProblemHttpResult>> SetWorkingHoursAsync(
        Guid id, WorkingHoursRequest request, ClinicDbContext db, ClinicClock clock, HttpContext http, ILogger<WorkingHours> logger, CancellationToken ct)
    {
        if (!await db.Therapists.AnyAsync(t => t.Id == id, ct))
        {
            return Problems.NotFound("therapist", id);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Without the lock, two writers with the same ETag both pass the check and the schedule merges both.
        await OwnerLocks.LockAsync<Therapist>(db, id, ct);
        if (ETags.ProblemFor(ETags.Check(http.Request, ETagOf(await RangesAsync(db, id, ct)))) is { } precondition)
        {
            return precondition;
        }

        await db.WorkingHours.Where(w => w.TherapistId == id).ExecuteDeleteAsync(ct);
        db.WorkingHours.AddRange(request.Ranges!.Select(r => new WorkingHours
        {
            TherapistId = id,
            Weekday = r.Weekday,
            StartsAt = Time(r.StartsAt),
            EndsAt = Time(r.EndsAt),
        }));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var ranges = await RangesAsync(db, id, ct);
        logger.LogInformation("Set {Count} working-hour ranges for therapist {TherapistId}", ranges.Count, id);
        http.Response.Headers.ETag = ETagOf(ranges);
        return TypedResults.Ok(new WorkingHoursResponse(id, clock.Zone.Id, ranges));
    }

    public static async Task<Results<Created<TimeOffResponse>, ProblemHttpResult>> AddTimeOffAsync(
        Guid id, TimeOffRequest request, ClinicDbContext db, ClinicClock clock, ILogger<TimeOff> logger, CancellationToken ct)
    {
        if (!await db.Therapists.AnyAsync(t => t.Id == id, ct))
        {
            return Problems.NotFound("therapist", id);
        }

        var timeOff = new TimeOff
        {
            TherapistId = id,
            StartsAt = request.StartsAt!.Value.ToUniversalTime(),
            EndsAt = request.EndsAt!.Value.ToUniversalTime(),
            Reason = request.Reason!.Trim(),
            CreatedAt = clock.UtcNow,
        };
        db.TimeOff.Add(timeOff);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Added time off {TimeOffId} for therapist {TherapistId}", timeOff.Id, id);
        return TypedResults.Created($"/therapists/{id}/time-off/{timeOff.Id}",
            new TimeOffResponse(timeOff.Id, id, timeOff.StartsAt, timeOff.EndsAt, timeOff.Reason));
    }

    public static async Task<Results<Ok<List<TimeOffResponse>>, ProblemHttpResult>> ListTimeOffAsync(
        Guid id, ClinicDbContext db, ClinicClock clock, HttpContext http, CancellationToken ct)
    {
        if (!await db.Therapists.AnyAsync(t => t.Id == id, ct))
        {
            return Problems.NotFound("therapist", id);
        }

        var now = clock.UtcNow;
        var rows = await db.TimeOff.AsNoTracking().Where(t => t.TherapistId == id && t.EndsAt > now)
            .OrderBy(t => t.StartsAt).Take(200).ToListAsync(ct);
        var reasons = await CareTeam.SeesPrivateScheduleOfAsync(http, db, id, ct);
        return TypedResults.Ok(rows.Select(t => new TimeOffResponse(t.Id, t.TherapistId, t.StartsAt, t.EndsAt, reasons ? t.Reason : null)).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteTimeOffAsync(Guid id, Guid timeOffId, ClinicDbContext db, CancellationToken ct)
    {
        var deleted = await db.TimeOff.Where(t => t.Id == timeOffId && t.TherapistId == id).ExecuteDeleteAsync(ct);
        return deleted == 0 ? Problems.NotFound("time off", timeOffId) : TypedResults.NoContent();
    }

    /// <summary>Working hours minus booked sessions minus time off minus the past, one pass over each table.</summary>
    public static async Task<Results<Ok<List<FreeSlot>>, ProblemHttpResult>> FreeSlotsAsync(
        Guid id, [AsParameters] FreeSlotsQuery query, ClinicDbContext db, ClinicClock clock, CancellationToken ct)
    {
        var (from, to) = clock.UtcRange(query.From!.Value, query.To!.Value);
        var hours = await db.WorkingHours.AsNoTracking().Where(w => w.TherapistId == id).ToListAsync(ct);
        // A therapist with working hours exists; only without any is it worth a round trip to ask.
        if (hours.Count == 0 && !await db.Therapists.AnyAsync(t => t.Id == id, ct))
        {
            return Problems.NotFound("therapist", id);
        }

        var busy = await BookingRules.Overlapping(db.Sessions.AsNoTracking(), from, to)
            .Where(s => s.TherapistId == id && s.Status != SessionStatus.Cancelled)
            .Select(s => new { s.StartsAt, s.EndsAt }).ToListAsync(ct);
        var off = await db.TimeOff.AsNoTracking().Where(t => t.TherapistId == id && t.StartsAt < to && t.EndsAt > from)
            .Select(t => new { t.StartsAt, t.EndsAt }).ToListAsync(ct);
        var blocked = busy.Select(b => (b.StartsAt, b.EndsAt)).Concat(off.Select(o => (o.StartsAt, o.EndsAt))).ToList();
        var duration = TimeSpan.FromMinutes(query.DurationMinutes!.Value);
        var step = TimeSpan.FromMinutes(query.StepMinutes ?? 15);
        var slots = new List<FreeSlot>();
        for (var day = query.From.Value; day <= query.To.Value; day = day.AddDays(1))
        {
            foreach (var range in hours.Where(h => h.Weekday == day.DayOfWeek).OrderBy(h => h.StartsAt))
            {
                for (var start = range.StartsAt.ToTimeSpan(); start + duration <= range.EndsAt.ToTimeSpan(); start += step)
                {
                    if (clock.ToUtc(day, TimeOnly.FromTimeSpan(start)) is not { } startsAt || startsAt < clock.UtcNow)
                    {
                        continue;
                    }

                    var endsAt = startsAt + duration;
                    if (!blocked.Any(b => b.StartsAt < endsAt && startsAt < b.EndsAt))
                    {
                        slots.Add(new FreeSlot(startsAt, BookingRules.Local(clock, startsAt)));
                    }
                }
            }
        }

        return TypedResults.Ok(slots);
    }

    private static async Task<List<WorkingRange>> RangesAsync(ClinicDbContext db, Guid therapistId, CancellationToken ct) =>
        (await db.WorkingHours.AsNoTracking().Where(w => w.TherapistId == therapistId).ToListAsync(ct))
        .OrderBy(w => ((int)w.Weekday + 6) % 7).ThenBy(w => w.StartsAt)
        .Select(w => new WorkingRange(w.Weekday, w.StartsAt.ToString("HH:mm", CultureInfo.InvariantCulture), w.EndsAt.ToString("HH:mm", CultureInfo.InvariantCulture)))
        .ToList();

    private static string ETagOf(IEnumerable<WorkingRange> ranges) =>
        "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(";", ranges.Select(r => $"{r.Weekday},{r.StartsAt},{r.EndsAt}")))))[..16] + "\"";

    private static bool TryTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    private static TimeOnly Time(string text) => TimeOnly.ParseExact(text, "HH:mm", CultureInfo.InvariantCulture);
}
