using ClinicApi.Data;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Infrastructure;

/// <summary>
/// Serialises the writers of one owner's data (a therapist's working hours, a patient's erasure) for the rest of
/// the current transaction, so a read-check-write sequence (read the state, compare If-Match, replace) cannot
/// interleave with another one: exactly one writer holding a given ETag wins, the next sees the new state.
/// </summary>
/// <remarks>
/// PostgreSQL: <c>SELECT ... FOR UPDATE</c> on the owner's row (read committed would otherwise let two writers
/// read the same old state). SQL Server: the same row read with <c>UPDLOCK, HOLDLOCK</c>. SQLite: nothing to do, every write transaction is <c>BEGIN IMMEDIATE</c> and so
/// already holds the database's only write lock.
/// </remarks>
public static class OwnerLocks
{
    public static async Task LockAsync<TOwner>(ClinicDbContext db, Guid id, CancellationToken ct) where TOwner : class
    {
        if (db.Database.IsSqlite())
        {
            return;
        }

        var entity = db.Model.FindEntityType(typeof(TOwner)) ?? throw new InvalidOperationException($"{typeof(TOwner).Name} is not an entity.");
        var key = entity.FindPrimaryKey()!.Properties.Single().GetColumnName();
        // Names from the model, never from input; the id travels as a parameter.
        var sql = db.Database.IsNpgsql()
            ? string.Concat("SELECT 1 FROM \"", entity.GetTableName(), "\" WHERE \"", key, "\" = {0} FOR UPDATE")
            : string.Concat("SELECT 1 FROM [", entity.GetTableName(), "] WITH (UPDLOCK, ROWLOCK, HOLDLOCK) WHERE [", key, "] = {0}");
        await db.Database.ExecuteSqlRawAsync(sql, [id], ct);
    }
}
