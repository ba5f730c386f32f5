using ClinicApi.Data;
using ClinicApi.Features.Measurements;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Audit;

public sealed record AuditEventResponse(
    Guid Id, DateTime At, string UserId, string Role, string Action, string ResourceType, Guid? ResourceId, Guid? PatientId, AuditOutcome Outcome, int? StatusCode, string TraceId)
{
    public static AuditEventResponse From(AuditEvent e) =>
        new(e.Id, e.At, e.UserId, e.Role, e.Action, e.ResourceType, e.ResourceId, e.PatientId, e.Outcome, e.StatusCode, e.TraceId);
}

/// <summary><c>GET /audit</c> (admin): the audit trail, newest first, filtered, keyset-paginated. Read only: no route changes it.</summary>
public static class ReadAuditTrail
{
    public sealed class Query
    {
        public string? UserId { get; init; }

        public string? ResourceType { get; init; }

        public Guid? ResourceId { get; init; }

        /// <summary>Every call that read or wrote this patient's data, whatever its resource.</summary>
        public Guid? PatientId { get; init; }

        /// <summary><c>allowed</c>, <c>denied</c> or <c>failed</c>.</summary>
        [OpenApiValues(typeof(AuditOutcome))]
        public string? Outcome { get; init; }

        public DateTime? From { get; init; }

        public DateTime? To { get; init; }

        public int? Limit { get; init; }

        public string? Cursor { get; init; }
    }

    public sealed class QueryValidator : AbstractValidator<Query>
    {
        public QueryValidator()
        {
            RuleFor(q => q.Outcome).Must(o => o is null || KebabEnum.TryParse<AuditOutcome>(o, out _)).WithMessage("outcome is allowed, denied or failed.");
            RuleFor(q => q.Limit).InclusiveBetween(1, 1000);
            RuleFor(q => q.Cursor).Must(c => TimeCursor.TryDecode(c, out _)).WithMessage("cursor is not a cursor this list returned.");
            this.OptionalPeriod(q => q.From, q => q.To);
        }
    }

    public static async Task<Ok<Page<AuditEventResponse>>> HandleAsync([AsParameters] Query query, ClinicDbContext db, AuditWriter writer, CancellationToken ct)
    {
        // Reads are recorded in batches a few milliseconds after they answer: the trail shows every one before this call.
        await writer.FlushAsync(ct);
        var events = db.AuditEvents.AsNoTracking();
        if (query.UserId is { } user)
        {
            events = events.Where(e => e.UserId == user);
        }

        if (query.ResourceType is { } type)
        {
            events = events.Where(e => e.ResourceType == type);
        }

        if (query.PatientId is { } patient)
        {
            events = events.Where(e => e.PatientId == patient);
        }

        if (query.ResourceId is { } resource)
        {
            events = events.Where(e => e.ResourceId == resource);
        }

        if (query.Outcome is { } outcomeText && KebabEnum.TryParse<AuditOutcome>(outcomeText, out var outcome))
        {
            events = events.Where(e => e.Outcome == outcome);
        }

        if (query.From is { } from)
        {
            var f = from.ToUniversalTime();
            events = events.Where(e => e.At >= f);
        }

        if (query.To is { } to)
        {
            var t = to.ToUniversalTime();
            events = events.Where(e => e.At <= t);
        }

        TimeCursor.TryDecode(query.Cursor, out var cursor);
        if (cursor is { } after)
        {
            events = events.Where(e => e.At < after.At || (e.At == after.At && e.Id < after.Id));
        }

        var limit = NameCursor.EffectiveLimit(query.Limit);
        var rows = await events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(limit + 1).ToListAsync(ct);
        var next = rows.Count > limit ? new TimeCursor(rows[limit - 1].At, rows[limit - 1].Id).Encode() : null;
        return TypedResults.Ok(new Page<AuditEventResponse>(rows.Take(limit).Select(AuditEventResponse.From).ToList(), next));
    }
}
