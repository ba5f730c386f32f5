using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Infrastructure;

/// <summary>
/// SaveChanges for a write guarded by If-Match: a versioned row updated by someone else since it was read
/// (the <c>WHERE version = ...</c> matched nothing) is a lost race, answered 412 by the caller, not an exception.
/// </summary>
public static class OptimisticSave
{
    public static async Task<bool> TrySaveAsync(DbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }
}
