using System.Data.Common;
using System.Diagnostics;
using System.Net;
using ClinicApi.Data;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClinicApi.IntegrationTests.Platform;

public sealed class MigrationsOnSqlite() : MigrationsTests(new SqliteDatabases());

public sealed class MigrationsOnPostgres(PostgresServer server) : MigrationsTests(new PostgresDatabases(server));

public sealed class MigrationsOnSqlServer(SqlServerServer server) : MigrationsTests(new SqlServerDatabases(server));

/// <summary>
/// The migrations are hand-written (decisions 0002 and 0007), so these tests are what keeps them honest:
/// the schema they build must equal the schema the EF model describes, on each provider.
/// </summary>
public abstract class MigrationsTests(ITestDatabases databases) : IAsyncLifetime
{
    private const string FirstMigration = "20261121120000_Patients";
    private readonly List<string> _databases = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await databases.DropAsync(database);
        }

        GC.SuppressFinalize(this);
    }

    private async Task<string> EmptyDatabaseAsync()
    {
        var database = await databases.CreateEmptyAsync();
        _databases.Add(database);
        return database;
    }

    [Fact]
    public async Task Migrations_build_exactly_the_schema_of_the_current_model()
    {
        var migrated = await EmptyDatabaseAsync();
        await using (var db = databases.CreateContext(migrated))
        {
            await db.Database.MigrateAsync();
        }

        var fromModel = await EmptyDatabaseAsync();
        await using (var db = databases.CreateContext(fromModel))
        {
            await db.Database.EnsureCreatedAsync();
        }

        var expected = await SchemaAsync(fromModel);
        var actual = await SchemaAsync(migrated);
        // Guarantees the EF model cannot express live only in the migrations; they are tested on their own below.
        actual.RemoveWhere(line => MigrationOnlyObjects.Any(name => line.Contains(name, StringComparison.Ordinal)));
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            "The EF model changed without a matching migration (add one under src/ClinicApi/Data/Migrations).\n" +
            $"In the model but not built by the migrations:\n  {string.Join("\n  ", missing)}\n" +
            $"Built by the migrations but not in the model:\n  {string.Join("\n  ", extra)}");
    }

    private static readonly string[] MigrationOnlyObjects = [SchemaNames.TherapistOverlap, SchemaNames.PatientOverlap];

    [Fact]
    public async Task The_double_booking_guarantees_exist_in_a_migrated_database()
    {
        var names = await MigratedObjectNamesAsync(databases.Provider switch
        {
            DatabaseProvider.Sqlite => "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'sessions' ORDER BY name",
            DatabaseProvider.SqlServer => "SELECT name FROM sys.triggers WHERE parent_id = OBJECT_ID(N'sessions') ORDER BY name",
            _ => "SELECT conname FROM pg_constraint WHERE conrelid = 'sessions'::regclass AND contype = 'x' ORDER BY conname",
        });

        Assert.Equal(
            databases.Provider switch
            {
                DatabaseProvider.Sqlite => [SchemaNames.SqliteOverlapInsertTrigger, SchemaNames.SqliteOverlapUpdateTrigger],
                DatabaseProvider.SqlServer => [SchemaNames.SqlServerOverlapInsertTrigger, SchemaNames.SqlServerOverlapUpdateTrigger],
                _ => [SchemaNames.PatientOverlap, SchemaNames.TherapistOverlap],
            },
            names);
    }

    [Fact]
    public async Task The_append_only_audit_guarantees_exist_under_the_names_the_code_knows()
    {
        var names = await MigratedObjectNamesAsync(databases.Provider switch
        {
            DatabaseProvider.Sqlite => "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events' ORDER BY name",
            DatabaseProvider.SqlServer => "SELECT name FROM sys.triggers WHERE parent_id = OBJECT_ID(N'audit_events') ORDER BY name",
            _ => "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal " +
                 "UNION ALL SELECT proname FROM pg_proc WHERE proname = '" + SchemaNames.AuditAppendOnlyFunction + "' ORDER BY 1",
        });

        Assert.Equal(
            databases.Provider switch
            {
                DatabaseProvider.Sqlite => [SchemaNames.AuditNoDeleteTrigger, SchemaNames.AuditNoUpdateTrigger],
                DatabaseProvider.SqlServer => [SchemaNames.AuditNoUpdateTrigger],
                _ => [SchemaNames.AuditAppendOnlyFunction, SchemaNames.AuditNoTruncateTrigger, SchemaNames.AuditNoUpdateTrigger],
            },
            names);
    }

    /// <summary>The names a catalogue query lists in a freshly migrated database: objects the EF model does not know.</summary>
    private async Task<List<string>> MigratedObjectNamesAsync(string sql)
    {
        var database = await EmptyDatabaseAsync();
        await using var db = databases.CreateContext(database);
        await db.Database.MigrateAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    [Fact]
    public async Task The_deployment_script_of_the_migrations_builds_the_current_schema_and_can_run_twice_on_postgres()
    {
        // What `dotnet ef migrations script --idempotent` writes for a DBA (deploy/migration-scripts.sh), applied by
        // hand: afterwards the database holds every migration; on PostgreSQL a second run changes nothing.
        var database = await EmptyDatabaseAsync();
        await using var db = databases.CreateContext(database);
        var postgres = databases.Provider == DatabaseProvider.Postgres;
        var script = db.GetService<IMigrator>().GenerateScript(
            options: postgres ? MigrationsSqlGenerationOptions.Idempotent : MigrationsSqlGenerationOptions.Default);
        foreach (var run in postgres ? new[] { 1, 2 } : [1])
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = script;
                await command.ExecuteNonQueryAsync();
            }

            await connection.CloseAsync();
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        }

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Every_migration_is_known_in_order_and_none_is_pending_after_migrate()
    {
        var database = await EmptyDatabaseAsync();
        await using var db = databases.CreateContext(database);
        var all = db.Database.GetMigrations().ToList();
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Equal(FirstMigration, all[0]);

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(all, await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task An_existing_database_upgrades_in_place_without_losing_data()
    {
        var database = await EmptyDatabaseAsync();
        Guid id;
        await using (var db = databases.CreateContext(database))
        {
            await db.GetService<IMigrator>().MigrateAsync(FirstMigration);
            Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync());
            id = Guid.CreateVersion7();
            await InsertOldPatientAsync(db, id, "OLD-1", "Adopter");
        }

        // The API upgrades the database at start and still serves the patient stored before the upgrade.
        await using var factory = new ClinicApiFactory(databases.Provider, database);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", DevelopmentTokens.Create(
            (AuthOptions)factory.Services.GetService(typeof(AuthOptions))!, Guid.CreateVersion7().ToString(), Roles.FrontDesk, DateTime.UtcNow, TimeSpan.FromHours(1)));
        var response = await client.GetAsync($"/patients/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Adopter", await response.Content.ReadAsStringAsync());
        await using var after = databases.CreateContext(database);
        Assert.Empty(await after.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Screenings_stored_before_measurement_versions_become_current_first_versions()
    {
        var database = await EmptyDatabaseAsync();
        var patientId = Guid.CreateVersion7();
        var measurementId = Guid.CreateVersion7();
        await using (var db = databases.CreateContext(database))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261121150000_Scheduling");
            await InsertOldPatientAsync(db, patientId, "OLD-2", "Screened");
            // The measurements table as it was then: no version columns yet, so plain SQL.
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO measurements (id, patient_id, instrument, taken_at, recorded_by, score, subscore, items, interpretation, created_at) " +
                "VALUES ({0}, {1}, 'start-back', {2}, 'someone', 4, 4, '0,0,0,0,1,1,1,0,4', 'high', {2})",
                measurementId, patientId, DateTime.UtcNow.AddDays(-1));
        }

        await using (var db = databases.CreateContext(database))
        {
            await db.Database.MigrateAsync();
            var stored = await db.Measurements.SingleAsync();
            Assert.Equal((measurementId, 1, MeasurementStatus.Final, false, (Guid?)null, 4.0),
                (stored.Id, stored.Version, stored.Status, stored.Superseded, stored.RootId, stored.Score));
            Assert.Single(await db.Measurements.AsQueryable().Current().ToListAsync());
        }
    }

    [Fact]
    public async Task The_migrate_command_applies_everything_and_start_up_migration_can_be_turned_off()
    {
        var database = await EmptyDatabaseAsync();

        // With MigrateOnStartup=false the API starts but leaves the schema alone.
        await using (var factory = new ClinicApiFactory(databases.Provider, database))
        {
            factory.Settings["Database:MigrateOnStartup"] = "false";
            Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/health/live")).StatusCode);
            await using var db = databases.CreateContext(database);
            Assert.Equal(db.Database.GetMigrations().Count(), (await db.Database.GetPendingMigrationsAsync()).Count());
        }

        var api = Path.Combine(AppContext.BaseDirectory, "ClinicApi.dll");
        var start = new ProcessStartInfo("dotnet", [api, "migrate"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__Provider"] = databases.Provider.ToString();
        start.Environment[databases.Provider == DatabaseProvider.Sqlite ? "Database__SqlitePath" : "Database__ConnectionString"] = database;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, output);
        await using var migrated = databases.CreateContext(database);
        Assert.Empty(await migrated.Database.GetPendingMigrationsAsync());
    }

    /// <summary>
    /// A patient row as the first migration's table holds it, in plain SQL: the current model has columns that
    /// an old database does not, which is the point of these tests.
    /// </summary>
    private static Task<int> InsertOldPatientAsync(ClinicDbContext db, Guid id, string mrn, string familyName)
    {
        // The booleans are literals of the provider's own (constants, not input): T-SQL has no TRUE or FALSE.
        var sql = db.Database.IsSqlServer()
            ? OldPatientInsert.Replace("FALSE", "0", StringComparison.Ordinal).Replace("TRUE", "1", StringComparison.Ordinal)
            : OldPatientInsert;
        return db.Database.ExecuteSqlRawAsync(sql, id, mrn, familyName, (familyName + " early").ToLowerInvariant(), new DateOnly(1980, 1, 1), DateTime.UtcNow);
    }

    private const string OldPatientInsert =
        "INSERT INTO patients (id, medical_record_number, given_name, family_name, search_name, date_of_birth, sex, has_anxiety, has_depression, " +
        "consent_to_deidentified_reporting, status, created_at, updated_at, version) " +
        "VALUES ({0}, {1}, 'Early', {2}, {3}, {4}, 'Female', FALSE, FALSE, TRUE, 'Active', {5}, {5}, 1)";

    private static readonly string[] SqlServerSchemaQueries =
    [
        """
        SELECT TABLE_NAME + '.' + COLUMN_NAME + ' ' + DATA_TYPE + COALESCE('(' + CAST(CHARACTER_MAXIMUM_LENGTH AS nvarchar(12)) + ')', '')
               + ' nullable=' + IS_NULLABLE + ' default=' + COALESCE(COLUMN_DEFAULT, '')
        FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'dbo' AND TABLE_NAME NOT LIKE '[_][_]EF%'
        """,
        """
        SELECT t.name + ' index ' + i.name + ' unique=' + CAST(i.is_unique AS nvarchar(1)) + ' filter=' + COALESCE(i.filter_definition, '') + ' (' +
               STRING_AGG(c.name, ',') WITHIN GROUP (ORDER BY ic.key_ordinal) + ')'
        FROM sys.indexes i JOIN sys.tables t ON t.object_id = i.object_id
        JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
        JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
        WHERE t.name NOT LIKE '[_][_]EF%' AND i.name IS NOT NULL
        GROUP BY t.name, i.name, i.is_unique, i.filter_definition
        """,
        """
        SELECT OBJECT_NAME(fk.parent_object_id) + ' fk ' + fk.name + ' -> ' + OBJECT_NAME(fk.referenced_object_id) + ' on delete ' + fk.delete_referential_action_desc
        FROM sys.foreign_keys fk WHERE OBJECT_NAME(fk.parent_object_id) NOT LIKE '[_][_]EF%'
        """,
    ];

    /// <summary>Tables, columns (type, nullability, default), indexes and constraints, as comparable lines.</summary>
    private async Task<SortedSet<string>> SchemaAsync(string database)
    {
        await using var db = databases.CreateContext(database);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var queries = databases.Provider == DatabaseProvider.SqlServer
            ? SqlServerSchemaQueries
            : databases.Provider == DatabaseProvider.Sqlite
            ? new[]
            {
                """
                SELECT m.name || '.' || p.name || ' ' || p.type || ' notnull=' || p."notnull" || ' default=' || ifnull(p.dflt_value, '') || ' pk=' || p.pk
                FROM sqlite_master m JOIN pragma_table_info(m.name) p
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '\_\_EF%' ESCAPE '\'
                """,
                """
                SELECT m.name || ' index ' || il.name || ' unique=' || il."unique" || ' (' ||
                       (SELECT group_concat(name, ',') FROM (SELECT ii.name FROM pragma_index_info(il.name) ii ORDER BY ii.seqno)) || ')'
                FROM sqlite_master m JOIN pragma_index_list(m.name) il
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '\_\_EF%' ESCAPE '\'
                """,
                """
                SELECT m.name || ' fk ' || f."from" || ' -> ' || f."table" || '.' || f."to" || ' on delete ' || f.on_delete
                FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '\_\_EF%' ESCAPE '\'
                """,
            }
            : new[]
            {
                """
                SELECT table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '')
                       || ' nullable=' || is_nullable || ' default=' || coalesce(column_default, '')
                FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '\_\_EF%'
                """,
                "SELECT tablename || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '\\_\\_EF%'",
                """
                SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '%\_\_EF%'
                """,
            };
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var sql in queries)
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        Assert.NotEmpty(lines);
        return lines;
    }
}
