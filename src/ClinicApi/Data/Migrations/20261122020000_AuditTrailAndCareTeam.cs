using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClinicApi.Data.Migrations;

/// <summary>
/// The append-only audit trail (the database itself refuses UPDATE, DELETE and TRUNCATE on it: triggers listed
/// named also in <see cref="SchemaNames"/>, which this migration does not read), the link from a therapist record to its user (care-team access), and the
/// erasure instant on patients.
/// </summary>
[DbContext(typeof(ClinicDbContext))]
[Migration("20261122020000_AuditTrailAndCareTeam")]
public sealed class AuditTrailAndCareTeam : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "user_id", table: "therapists", maxLength: 100, nullable: true);
        // NULL is no user: many therapist records have none. PostgreSQL and SQLite never count NULLs as equal in a
        // unique index; SQL Server does, unless the index leaves them out (as the model's index does there).
        migrationBuilder.CreateIndex("ix_therapists_user_id", "therapists", "user_id", unique: true,
            filter: migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.SqlServer" ? "[user_id] IS NOT NULL" : null);
        migrationBuilder.AddColumn<DateTime>(name: "erased_at", table: "patients", nullable: true);

        migrationBuilder.CreateTable(
            name: "audit_events",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                at = table.Column<DateTime>(nullable: false),
                user_id = table.Column<string>(maxLength: 100, nullable: false),
                role = table.Column<string>(maxLength: 20, nullable: false),
                action = table.Column<string>(maxLength: 100, nullable: false),
                resource_type = table.Column<string>(maxLength: 40, nullable: false),
                resource_id = table.Column<Guid>(nullable: true),
                outcome = table.Column<string>(maxLength: 16, nullable: false),
                status_code = table.Column<int>(nullable: true),
                trace_id = table.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_events", x => x.id));
        migrationBuilder.CreateIndex("ix_audit_events_at_id", "audit_events", ["at", "id"]);
        migrationBuilder.CreateIndex("ix_audit_events_resource_type_resource_id", "audit_events", ["resource_type", "resource_id"]);
        migrationBuilder.CreateIndex("ix_audit_events_user_id_at", "audit_events", ["user_id", "at"]);

        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.Sql(
                $"CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ " +
                $"BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$;");
            migrationBuilder.Sql(
                $"CREATE TRIGGER tr_audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events " +
                $"FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();");
            migrationBuilder.Sql(
                $"CREATE TRIGGER tr_audit_events_no_truncate BEFORE TRUNCATE ON audit_events " +
                $"FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();");
        }
        else if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.SqlServer")
        {
            // INSTEAD OF: the refused statement changes nothing, and THROW ends it (and its transaction) with an error.
            // TRUNCATE fires no trigger on SQL Server: it needs ALTER on the table, which the API's login must not
            // have (docs/databases.md). Through EXEC, so that an idempotent script stays valid T-SQL.
            migrationBuilder.Sql(
                "EXEC(N'CREATE TRIGGER tr_audit_events_no_update ON audit_events INSTEAD OF UPDATE, DELETE AS " +
                "BEGIN SET NOCOUNT ON; THROW 51001, N''audit_events is append-only'', 1; END;');");
        }
        else
        {
            migrationBuilder.Sql($"CREATE TRIGGER tr_audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;");
            migrationBuilder.Sql($"CREATE TRIGGER tr_audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;");
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "audit_events");
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.Sql($"DROP FUNCTION IF EXISTS audit_events_append_only();");
        }

        migrationBuilder.DropColumn("erased_at", "patients");
        migrationBuilder.DropIndex("ix_therapists_user_id", "therapists");
        migrationBuilder.DropColumn("user_id", "therapists");
    }
}
