using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Data;

/// <summary>Applies the versioned migrations in order, each in its own transaction, recorded in <c>__EFMigrationsHistory</c>.</summary>
public static class DatabaseMigrator
{
    public static async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ClinicDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            // Readers never block the writer and vice versa; the setting is stored in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }

        return pending;
    }

    /// <summary><c>dotnet ClinicApi.dll migrate</c>: exit code 0 when the schema is current.</summary>
    public static async Task<int> RunMigrateCommandAsync(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseMigrator));
        try
        {
            var applied = await MigrateAsync(services, CancellationToken.None);
            logger.LogInformation("Applied {Count} migration(s): {Migrations}", applied.Count, string.Join(", ", applied));
            return 0;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Migration failed; the database is left at the last migration that completed");
            return 1;
        }
    }
}

/// <summary>Migrates before the server accepts requests, unless Database:MigrateOnStartup is false.</summary>
internal sealed class MigrateOnStartup(IServiceProvider services, DatabaseOptions options, ILogger<MigrateOnStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.MigrateOnStartup)
        {
            return;
        }

        var applied = await DatabaseMigrator.MigrateAsync(services, cancellationToken);
        logger.LogInformation("Database ready on {Provider}; applied {Count} migration(s)", options.Provider, applied.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
