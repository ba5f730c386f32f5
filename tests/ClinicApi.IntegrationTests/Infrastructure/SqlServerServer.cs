using ClinicApi.Data;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Testcontainers.MsSql;

[assembly: AssemblyFixture(typeof(SqlServerServer))]

namespace ClinicApi.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway SQL Server for the whole test run, only where CLINICAPI_TEST_SQLSERVER=1: one Testcontainers
/// container (image from CLINICAPI_TEST_SQLSERVER_IMAGE, default Microsoft's SQL Server 2022 image). Elsewhere
/// it starts nothing, and every SQL Server test reports itself skipped with <see cref="SkipReason"/>, never passed.
/// SQL Server has no template databases: each test's database is created and migrated.
/// </summary>
public sealed class SqlServerServer : IAsyncLifetime
{
    public const string EnableVariable = "CLINICAPI_TEST_SQLSERVER";
    public const string ImageVariable = "CLINICAPI_TEST_SQLSERVER_IMAGE";
    public const string DefaultImage = "mcr.microsoft.com/mssql/server:2022-latest";
    public const string SkipReason =
        "SQL Server suite not run: set CLINICAPI_TEST_SQLSERVER=1 where the Docker engine can pull the SQL Server image " +
        "(CLINICAPI_TEST_SQLSERVER_IMAGE, default " + DefaultImage + ")";

    private static int s_databaseCounter;
    private MsSqlContainer? _container;
    private string _adminConnectionString = string.Empty;

    public static bool Enabled => Environment.GetEnvironmentVariable(EnableVariable) == "1";

    public static string Image =>
        Environment.GetEnvironmentVariable(ImageVariable) is { Length: > 0 } image ? image : DefaultImage;

    public async ValueTask InitializeAsync()
    {
        if (!Enabled)
        {
            return;
        }

        _container = new MsSqlBuilder()
            .WithImage(Image)
            .WithLabel("clinicapi.tests", "sqlserver")
            .Build();
        await _container.StartAsync();
        _adminConnectionString = new SqlConnectionStringBuilder(_container.GetConnectionString())
        {
            InitialCatalog = "master",
            TrustServerCertificate = true,
        }.ToString();
    }

    /// <summary>A new database with every migration applied.</summary>
    public async Task<string> CreateMigratedDatabaseAsync()
    {
        var connectionString = await CreateEmptyDatabaseAsync();
        await using var db = CreateContext(connectionString);
        await db.Database.MigrateAsync();
        return connectionString;
    }

    /// <summary>A new empty database (no tables at all).</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        Assert.SkipUnless(Enabled, SkipReason);
        var name = $"clinic_test_{Environment.ProcessId}_{Interlocked.Increment(ref s_databaseCounter)}";
        await ExecuteAsync($"CREATE DATABASE [{name}]");
        return new SqlConnectionStringBuilder(_adminConnectionString) { InitialCatalog = name }.ToString();
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        if (!Enabled || string.IsNullOrEmpty(connectionString))
        {
            return;
        }

        var name = new SqlConnectionStringBuilder(connectionString).InitialCatalog;
        SqlConnection.ClearAllPools();
        await ExecuteAsync($"IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END");
    }

    public static ClinicDbContext CreateContext(string connectionString) =>
        new(new DbContextOptionsBuilder<ClinicDbContext>()
            .Apply(DatabaseProvider.SqlServer, connectionString)
            .Options);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        SqlConnection.ClearAllPools();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
