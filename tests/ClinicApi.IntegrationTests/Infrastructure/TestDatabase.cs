using ClinicApi.Data;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Infrastructure;

/// <summary>Where a test's database lives: each test gets its own, on the provider its class names.</summary>
public interface ITestDatabases
{
    DatabaseProvider Provider { get; }

    /// <summary>A database with every migration applied.</summary>
    Task<string> CreateMigratedAsync();

    /// <summary>A database with nothing in it.</summary>
    Task<string> CreateEmptyAsync();

    Task DropAsync(string connectionString);

    ClinicDbContext CreateContext(string connectionString);
}

public sealed class SqliteDatabases : ITestDatabases
{
    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    private static readonly Lazy<Task<string>> s_template = new(CreateTemplateAsync);

    /// <summary>A copy of a file migrated once per test run.</summary>
    public async Task<string> CreateMigratedAsync()
    {
        var path = await CreateEmptyAsync();
        File.Copy(await s_template.Value, path);
        return path;
    }

    private static async Task<string> CreateTemplateAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "clinicapi-tests", $"template-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var db = new ClinicDbContext(new DbContextOptionsBuilder<ClinicDbContext>()
                         .Apply(DatabaseProvider.Sqlite, $"Data Source={path};Pooling=False").Options))
        {
            await db.Database.MigrateAsync();
        }

        return path;
    }

    public Task<string> CreateEmptyAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "clinicapi-tests", $"{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return Task.FromResult(path);
    }

    public Task DropAsync(string connectionString)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(connectionString + suffix);
        }

        return Task.CompletedTask;
    }

    /// <summary>For SQLite the "connection string" handed around the tests is the file path.</summary>
    public ClinicDbContext CreateContext(string connectionString) =>
        new(new DbContextOptionsBuilder<ClinicDbContext>().Apply(DatabaseProvider.Sqlite, $"Data Source={connectionString}").Options);
}

public sealed class PostgresDatabases(PostgresServer server) : ITestDatabases
{
    public DatabaseProvider Provider => DatabaseProvider.Postgres;

    public Task<string> CreateMigratedAsync() => server.CreateMigratedDatabaseAsync();

    public Task<string> CreateEmptyAsync() => server.CreateEmptyDatabaseAsync();

    public Task DropAsync(string connectionString) => server.DropDatabaseAsync(connectionString);

    public ClinicDbContext CreateContext(string connectionString) => PostgresServer.CreateContext(connectionString);
}

/// <summary>SQL Server through Testcontainers.MsSql; every test skips (reported as skipped) unless CLINICAPI_TEST_SQLSERVER=1.</summary>
public sealed class SqlServerDatabases(SqlServerServer server) : ITestDatabases
{
    public DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public Task<string> CreateMigratedAsync() => server.CreateMigratedDatabaseAsync();

    public Task<string> CreateEmptyAsync() => server.CreateEmptyDatabaseAsync();

    public Task DropAsync(string connectionString) => server.DropDatabaseAsync(connectionString);

    public ClinicDbContext CreateContext(string connectionString) => SqlServerServer.CreateContext(connectionString);
}

public static class TestDbOptions
{
    public static DbContextOptionsBuilder<ClinicDbContext> Apply(
        this DbContextOptionsBuilder<ClinicDbContext> builder, DatabaseProvider provider, string connectionString)
    {
        DatabaseSetup.Configure(builder, provider, connectionString, commandTimeoutSeconds: 30);
        return builder;
    }
}
