using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClinicApi.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}

/// <summary>Section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (embedded default), <c>Postgres</c> or <c>SqlServer</c> (servers).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>SQLite file, relative to the content root unless absolute. Its folder is created.</summary>
    public string SqlitePath { get; set; } = "data/clinic.db";

    /// <summary>PostgreSQL or SQL Server connection string (e.g. from <c>Database__ConnectionString</c>).</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Apply pending migrations when the API starts. Production sets false and runs <c>migrate</c>.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    public int CommandTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// PostgreSQL: how many of the most used statements each connection keeps prepared on the server, so they are
    /// parsed and planned once rather than on every call (Npgsql automatic preparation; 0 turns it off). Ignored
    /// when the connection string sets <c>Max Auto Prepare</c> itself.
    /// </summary>
    public int MaxAutoPrepare { get; set; } = 64;
}

/// <summary>The one place that knows which database provider is in use.</summary>
public static class DatabaseSetup
{
    public static IServiceCollection AddClinicDatabase(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .Validate(o => o.Provider == DatabaseProvider.Sqlite || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:ConnectionString is required when Database:Provider is a server.")
            .Validate(o => o.CommandTimeoutSeconds > 0, "Database:CommandTimeoutSeconds must be positive.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value);
        // Interceptors come from the container as EF's own interface (the audit row is one): Data knows none of them.
        services.AddDbContextPool<ClinicDbContext>((sp, builder) =>
        {
            var options = sp.GetRequiredService<DatabaseOptions>();
            Configure(builder, options.Provider, ConnectionString(options, environment.ContentRootPath), options.CommandTimeoutSeconds)
                .AddInterceptors(sp.GetServices<IInterceptor>());
        });
        services.AddHostedService<MigrateOnStartup>();
        return services;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString, int commandTimeoutSeconds)
    {
        _ = provider switch
        {
            DatabaseProvider.Sqlite => builder.UseSqlite(connectionString, o => o.CommandTimeout(commandTimeoutSeconds)),
            DatabaseProvider.Postgres => builder.UseNpgsql(connectionString, o => o.CommandTimeout(commandTimeoutSeconds)),
            DatabaseProvider.SqlServer => builder.UseSqlServer(connectionString, o => o.CommandTimeout(commandTimeoutSeconds))
                .ReplaceService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsSqlGenerator, SqlServerMigrationsGenerator>(),
            _ => throw new InvalidOperationException($"Unknown Database:Provider '{provider}'."),
        };
        // Migrations are written by hand (no EF design package here) and carry no model snapshot; the schema
        // test (MigrationsMatchModelTests) is what proves that the migrations produce the model's schema.
        return builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    public static string ConnectionString(DatabaseOptions options, string contentRoot)
    {
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var path = Path.GetFullPath(options.SqlitePath, contentRoot);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                return new SqliteConnectionStringBuilder
                {
                    DataSource = path,
                    DefaultTimeout = options.CommandTimeoutSeconds,
                    Pooling = true,
                }.ToString();
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres.");
                }

                var postgres = new NpgsqlConnectionStringBuilder(options.ConnectionString)
                {
                    Timeout = Math.Min(options.CommandTimeoutSeconds, 15),
                };
                if (!postgres.ContainsKey("Max Auto Prepare"))
                {
                    postgres.MaxAutoPrepare = options.MaxAutoPrepare;
                    postgres.AutoPrepareMinUsages = 2;
                }

                return postgres.ToString();
            case DatabaseProvider.SqlServer:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is SqlServer.");
                }

                // Opening a connection is bounded like every command, so an unreachable server is a quick 503.
                return new SqlConnectionStringBuilder(options.ConnectionString)
                {
                    ConnectTimeout = Math.Min(options.CommandTimeoutSeconds, 15),
                }.ToString();
            default:
                throw new InvalidOperationException($"Unknown Database:Provider '{options.Provider}'.");
        }
    }
}
