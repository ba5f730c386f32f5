using System.Net;
using System.Net.Sockets;
using ClinicApi.Data;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Testcontainers.PostgreSql;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace ClinicApi.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL for the whole test run: one Testcontainers container (image from
/// CLINICAPI_TEST_POSTGRES_IMAGE, default the official <c>postgres:15</c>), fsync off. One migrated template
/// database is cloned for each test, so every test has a database of its own. Set CLINICAPI_TEST_POSTGRES to a
/// connection string (a superuser on a disposable server) to use an existing server instead, with no Docker.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string ImageVariable = "CLINICAPI_TEST_POSTGRES_IMAGE";
    public const string DefaultImage = "postgres:15";
    private const string TemplateDatabase = "clinic_template";
    private const int ServerPort = 5432;
    private static int s_databaseCounter;
    private PostgreSqlContainer? _container;
    private string _adminConnectionString = string.Empty;

    /// <summary>
    /// Commit waits for the WAL flush. Off for the shared test server (speed); on for a server a test stops
    /// abruptly, so that every commit it acknowledged survives the stop, as on a real server.
    /// </summary>
    public bool SynchronousCommit { get; init; }

    /// <summary>True when the tests started this server (a container) and so can stop and start it.</summary>
    public bool CanStopAndStart => _container is not null;

    public static string Image =>
        Environment.GetEnvironmentVariable(ImageVariable) is { Length: > 0 } image ? image : DefaultImage;

    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("CLINICAPI_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            _adminConnectionString = external;
        }
        else
        {
            await StartContainerAsync();
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

    private async Task StartContainerAsync()
    {
        // A fixed host port, chosen now: a container that is stopped and started again keeps its address, so the
        // API under test reconnects to the same connection string (DatabaseFaultTests). Docker would otherwise
        // publish the restarted container on a new random port.
        var hostPort = FreePort();
        _container = new PostgreSqlBuilder()
            .WithImage(Image)
            .WithPortBinding(hostPort, ServerPort)
            // Loopback only: the password is a constant, so the server must not be reachable from the network.
            .WithCreateParameterModifier(parameters =>
            {
                foreach (var binding in parameters.HostConfig.PortBindings.Values.SelectMany(b => b))
                {
                    binding.HostIP = "127.0.0.1";
                }
            })
            .WithLabel("clinicapi.tests", "postgres")
            .WithCommand(
                "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=300",
                "-c", $"synchronous_commit={(SynchronousCommit ? "on" : "off")}")
            .Build();
        await _container.StartAsync();
        _adminConnectionString = new NpgsqlConnectionStringBuilder(_container.GetConnectionString())
        {
            Host = "127.0.0.1",
            Port = hostPort,
            Database = "postgres",
        }.ToString();
    }

    /// <summary>
    /// Stops the server the way a crash would: SIGQUIT to the postmaster (immediate shutdown: no checkpoint,
    /// connections cut), then waits until the container has exited.
    /// </summary>
    public async Task StopAsync()
    {
        var container = _container ?? throw new InvalidOperationException("Only a server the tests started can be stopped.");
        var result = await container.ExecAsync(["sh", "-c", "kill -QUIT 1"]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Could not signal the PostgreSQL server: {result.Stderr}");
        }

        await container.StopAsync();
    }

    /// <summary>Starts the stopped server again: same data, same port; returns once it accepts connections.</summary>
    public Task StartAsync() =>
        (_container ?? throw new InvalidOperationException("Only a server the tests started can be started.")).StartAsync();

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
