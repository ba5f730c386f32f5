using ClinicApi.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ClinicApi.Tests;

/// <summary>
/// No SQL Server engine runs here, so the SQL that EF and the migrations would send to one is generated (no
/// connection is opened) and parsed with Microsoft's own T-SQL parser (ScriptDom, SQL Server 2022 grammar). This
/// proves the scripts are valid T-SQL and that the SQL Server branches of the migrations are the ones taken; it
/// does not prove that they run, nor that the triggers hold under concurrency: that is the SQL Server integration
/// suite (CLINICAPI_TEST_SQLSERVER=1, docs/databases.md).
/// </summary>
public sealed class SqlServerScriptsTests
{
    // Never opened: generating SQL needs a provider and a model, not a server.
    private static ClinicDbContext Context()
    {
        var builder = new DbContextOptionsBuilder<ClinicDbContext>();
        DatabaseSetup.Configure(builder, DatabaseProvider.SqlServer,
            "Server=127.0.0.1,1;Database=clinic_scripts;User Id=nobody;Password=none;TrustServerCertificate=True", commandTimeoutSeconds: 15);
        return new ClinicDbContext(builder.Options);
    }

    /// <summary>The parse errors of the script and of every string it runs through EXEC (the triggers are created so).</summary>
    private static List<ParseError> Parse(string sql)
    {
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        var all = errors.ToList();
        var dynamic = new DynamicSql();
        fragment?.Accept(dynamic);
        foreach (var inner in dynamic.Batches)
        {
            all.AddRange(Parse(inner));
        }

        return all;
    }

    private sealed class DynamicSql : TSqlFragmentVisitor
    {
        public List<string> Batches { get; } = [];

        // Only wholly literal strings: EF's own EXEC('... ' + @name) is completed at run time and cannot be read here.
        public override void Visit(ExecutableStringList node)
        {
            if (node.Strings.All(s => s is StringLiteral))
            {
                Batches.Add(string.Concat(node.Strings.Cast<StringLiteral>().Select(s => s.Value)));
            }
        }
    }

    private static string Describe(string sql, List<ParseError> errors) =>
        string.Join("\n", errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}")) + "\n---\n" + sql;

    /// <summary>Every migration's Up and Down, command by command, as the migrator would send them.</summary>
    public static TheoryData<string, string> MigrationCommands()
    {
        using var db = Context();
        var assembly = db.GetService<IMigrationsAssembly>();
        var generator = db.GetService<IMigrationsSqlGenerator>();
        var data = new TheoryData<string, string>();
        foreach (var (id, type) in assembly.Migrations)
        {
            var migration = assembly.CreateMigration(type, db.Database.ProviderName!);
            foreach (var (direction, operations) in new[] { ("up", migration.UpOperations), ("down", migration.DownOperations) })
            {
                var commands = generator.Generate(operations, model: null, MigrationsSqlGenerationOptions.Default);
                for (var i = 0; i < commands.Count; i++)
                {
                    data.Add($"{id} {direction} #{i + 1}", commands[i].CommandText);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MigrationCommands))]
    public void Every_migration_command_is_valid_T_SQL(string command, string sql)
    {
        var errors = Parse(sql);
        Assert.True(errors.Count == 0, $"{command}: {Describe(sql, errors)}");
    }

    [Fact]
    public void The_whole_migration_script_with_its_history_rows_is_valid_T_SQL()
    {
        using var db = Context();
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        var errors = Parse(script);
        Assert.True(errors.Count == 0, Describe(script, errors));
        Assert.Equal(db.Database.GetMigrations().Count(), script.Split("INSERT INTO [__EFMigrationsHistory]").Length - 1);
    }

    [Fact]
    public void The_models_create_script_is_valid_T_SQL()
    {
        using var db = Context();
        var script = db.Database.GenerateCreateScript();
        var errors = Parse(script);
        Assert.True(errors.Count == 0, Describe(script, errors));
        Assert.Contains($"WHERE {SchemaNames.SqlServerCurrentScoresFilter}", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_migrations_take_their_SQL_Server_branches_for_the_guarantees()
    {
        using var db = Context();
        var script = db.GetService<IMigrator>().GenerateScript();
        Assert.Contains($"CREATE TRIGGER {SchemaNames.SqlServerOverlapInsertTrigger} ON sessions INSTEAD OF INSERT", script, StringComparison.Ordinal);
        Assert.Contains($"CREATE TRIGGER {SchemaNames.SqlServerOverlapUpdateTrigger} ON sessions AFTER UPDATE", script, StringComparison.Ordinal);
        Assert.Contains("sp_getapplock", script, StringComparison.Ordinal);
        Assert.Contains($"CREATE TRIGGER {SchemaNames.AuditNoUpdateTrigger} ON audit_events INSTEAD OF UPDATE, DELETE", script, StringComparison.Ordinal);
        Assert.Contains($"WHERE {SchemaNames.SqlServerCurrentScoresFilter}", script, StringComparison.Ordinal);
        // Nothing of the other providers' dialects leaks into the SQL Server script.
        Assert.DoesNotContain("EXCLUDE USING gist", script, StringComparison.Ordinal);
        Assert.DoesNotContain("RAISE(ABORT", script, StringComparison.Ordinal);
        Assert.DoesNotContain("plpgsql", script, StringComparison.Ordinal);
        Assert.DoesNotContain(", TRUE,", script, StringComparison.Ordinal);
    }

    /// <summary>
    /// Without a server, the part of "the migrations build the model's schema" that can be read off the scripts:
    /// the same tables and exactly the same index statements (names, columns, uniqueness, filters). Columns and
    /// their types are compared on a real SQL Server by MigrationsOnSqlServer.
    /// </summary>
    [Fact]
    public void The_migrations_create_the_models_tables_and_indexes()
    {
        using var db = Context();
        static SortedSet<string> Lines(string script, string prefix) => new(
            script.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(prefix, StringComparison.Ordinal) && !l.Contains("__EFMigrationsHistory", StringComparison.Ordinal)),
            StringComparer.Ordinal);
        var model = db.Database.GenerateCreateScript();
        var migrations = db.GetService<IMigrator>().GenerateScript();
        foreach (var prefix in new[] { "CREATE TABLE ", "CREATE INDEX ", "CREATE UNIQUE INDEX " })
        {
            var expected = Lines(model, prefix);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, Lines(migrations, prefix));
        }
    }

    /// <summary>datetime2 has no offset: instants must come back as UTC, or the API would answer them without "Z".</summary>
    [Fact]
    public void Instants_read_from_SQL_Server_are_UTC()
    {
        using var db = Context();
        var instants = db.Model.GetEntityTypes().SelectMany(e => e.GetProperties())
            .Where(p => p.ClrType == typeof(DateTime) || p.ClrType == typeof(DateTime?)).ToList();
        Assert.NotEmpty(instants);
        Assert.All(instants, p => Assert.NotNull(p.GetValueConverter()));
        var read = (DateTime)db.Model.FindEntityType(typeof(Patient))!.FindProperty("CreatedAt")!
            .GetValueConverter()!.ConvertFromProvider(new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Unspecified))!;
        Assert.Equal(DateTimeKind.Utc, read.Kind);
    }

    /// <summary>The parser is strict enough to catch what this provider once got wrong (so the tests above can fail).</summary>
    [Theory]
    [InlineData("CREATE INDEX ix ON measurements (instrument) WHERE NOT superseded AND status <> 'EnteredInError';")]
    [InlineData("ALTER TABLE sessions ADD CONSTRAINT ex EXCLUDE USING gist (therapist_id WITH =);")]
    [InlineData("CREATE TRIGGER t BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'no'); END;")]
    [InlineData("EXEC(N'CREATE TRIGGER t ON sessions INSTEAD OF INSERT AS BEGIN SELECT FROM; END;');")]
    public void The_parser_rejects_the_other_dialects(string sql) => Assert.NotEmpty(Parse(sql));
}
