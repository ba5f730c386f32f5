using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ClinicApi.Data;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace ClinicApi.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL for the whole test run, the same idea as Testcontainers without Docker: initdb into a
/// temporary folder, pg_ctl start on a free loopback port, fsync off. One migrated template database is cloned
/// for each test, so every test has a database of its own. Set CLINICAPI_TEST_POSTGRES to a connection string
/// (a superuser on a disposable server) to use an existing server instead.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string TemplateDatabase = "clinic_template";
    private static int s_databaseCounter;
    private string? _dataDirectory;
    private string? _binDirectory;
    private string _adminConnectionString = string.Empty;
    private int _port;

    /// <summary>
    /// Commit waits for the WAL flush. Off for the shared test server (speed); on for a server a test stops
    /// abruptly, so that every commit it acknowledged survives the stop, as on a real server.
    /// </summary>
    public bool SynchronousCommit { get; init; }

    /// <summary>True when the tests started this server and can stop and start it.</summary>
    public bool IsLocal => _dataDirectory is not null;

    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("CLINICAPI_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            _adminConnectionString = external;
        }
        else
        {
            await StartLocalServerAsync();
        }

        await ExecuteAsync($"DROP DATABASE IF EXISTS {TemplateDatabase} WITH (FORCE)");
        await ExecuteAsync($"CREATE DATABASE {TemplateDatabase}");
        await using (var db = CreateContext(ConnectionString(TemplateDatabase)))
        {
            await db.Database.MigrateAsync();
        }

        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>A new database with every migration applied, cloned from the template.</summary>
    public async Task<string> CreateMigratedDatabaseAsync()
    {
        var name = NextName();
        await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {TemplateDatabase}");
        return ConnectionString(name);
    }

    /// <summary>A new empty database (no tables at all).</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = NextName();
        await ExecuteAsync($"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    public static ClinicDbContext CreateContext(string connectionString) =>
        new(new DbContextOptionsBuilder<ClinicDbContext>()
            .Apply(DatabaseProvider.Postgres, connectionString)
            .Options);

    private static string NextName() => $"clinic_test_{Environment.ProcessId}_{Interlocked.Increment(ref s_databaseCounter)}";

    private string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = database, Pooling = true }.ToString();

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task StartLocalServerAsync()
    {
        _binDirectory = FindBinDirectory();
        _dataDirectory = Path.Combine(Path.GetTempPath(), $"clinicapi-pg-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dataDirectory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb refuses to run as root: the server runs as the postgres user, which must own its folder.
            await RunAsync("chown", $"postgres {_dataDirectory}", asPostgres: false);
        }

        _port = FreePort();
        await RunAsync(Path.Combine(_binDirectory, "initdb"),
            $"-D {_dataDirectory}/data -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync", asRoot);
        await StartAsync();
        _adminConnectionString = $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres";
    }

    /// <summary>Starts the stopped server again: same data, same port.</summary>
    public Task StartAsync() =>
        RunAsync(Path.Combine(_binDirectory!, "pg_ctl"),
            $"-D {_dataDirectory}/data -l {_dataDirectory}/server.log -w -t 60 start " +
            $"-o \"-p {_port} -k {_dataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off " +
            $"-c synchronous_commit={(SynchronousCommit ? "on" : "off")} -c full_page_writes=off -c max_connections=300\"",
            Environment.UserName == "root");

    /// <summary>Stops the server the way a crash would (immediate mode: no checkpoint, connections cut).</summary>
    public Task StopAsync() =>
        RunAsync(Path.Combine(_binDirectory!, "pg_ctl"), $"-D {_dataDirectory}/data -m immediate -w stop", Environment.UserName == "root");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_dataDirectory is null || _binDirectory is null)
        {
            return;
        }

        await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), $"-D {_dataDirectory}/data -m immediate -w stop",
            Environment.UserName == "root", throwOnFailure: false);
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static string FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin. Install them " +
            "(apt-get install postgresql-15; .ci/run does this) or set CLINICAPI_TEST_POSTGRES.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments, bool asPostgres, bool throwOnFailure = true)
    {
        var start = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && throwOnFailure)
        {
            throw new InvalidOperationException($"{file} exited {process.ExitCode}: {await output}{await error}");
        }
    }
}
