using ClinicApi.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClinicApi.Features.Audit;

/// <summary>
/// An audited request's write carries its audit row in the same SaveChanges: one transaction for both, so a
/// change exists if and only if its audit row does. The row is added just before the save and, should the save
/// fail, taken out again (the middleware then records the failure instead).
/// </summary>
public sealed class AuditInterceptor(IHttpContextAccessor http) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        AddRow(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        AddRow(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Settle(eventData.Context, saved: true);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Settle(eventData.Context, saved: true);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Settle(eventData.Context, saved: false);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Settle(eventData.Context, saved: false);
        return Task.CompletedTask;
    }

    private const string PendingKey = "audit-row-pending";

    private void AddRow(DbContext? context)
    {
        if (context is null || Scope() is not { Written: false } audit ||
            !context.ChangeTracker.Entries().Any(e => e.Entity is not AuditEvent && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            return;
        }

        // A create has no id in its route: the audited resource is the first row it adds.
        var changed = context.ChangeTracker.Entries().Where(e => e.Entity is not AuditEvent && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList();
        audit.ResourceId ??= changed.Where(e => e.State == EntityState.Added)
            .Select(e => e.Properties.FirstOrDefault(p => p.Metadata.Name == "Id")?.CurrentValue).OfType<Guid>().Cast<Guid?>().FirstOrDefault();
        // Whose data the change touches: a patient row itself, or any row that belongs to a patient.
        foreach (var entry in changed)
        {
            var patient = entry.Entity is Patient ? entry.Property("Id").CurrentValue
                : entry.Metadata.FindProperty("PatientId") is { } property ? entry.Property(property.Name).CurrentValue : null;
            if (patient is Guid id && id != Guid.Empty)
            {
                audit.PatientIds.Add(id);
            }
        }

        var rows = audit.ToEvents(AuditOutcome.Allowed, null).ToList();
        context.AddRange(rows);
        http.HttpContext!.Items[PendingKey] = (context, rows);
    }

    private void Settle(DbContext? context, bool saved)
    {
        if (http.HttpContext is not { } request || !request.Items.TryGetValue(PendingKey, out var pending) ||
            pending is not (DbContext owner, List<AuditEvent> rows) || owner != context)
        {
            return;
        }

        request.Items.Remove(PendingKey);
        if (saved)
        {
            Scope()!.Written = true;
        }
        else
        {
            // A retry on the same context must not carry this row twice.
            foreach (var row in rows)
            {
                context.Entry(row).State = EntityState.Detached;
            }
        }
    }

    private AuditScope? Scope() => http.HttpContext?.RequestServices.GetService<RequestAudit>()?.Current;
}
