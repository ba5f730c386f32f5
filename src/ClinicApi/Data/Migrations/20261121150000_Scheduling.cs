using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClinicApi.Data.Migrations;

/// <summary>
/// Working hours, time off, sessions and idempotency records; and the database's own guarantee against double
/// booking, which the EF model cannot express: PostgreSQL exclusion constraints, SQLite triggers, SQL Server
/// triggers behind application locks (their names are also in <see cref="SchemaNames"/>, which this migration does not read).
/// </summary>
[DbContext(typeof(ClinicDbContext))]
[Migration("20261121150000_Scheduling")]
public sealed class Scheduling : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "working_hours",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                therapist_id = table.Column<Guid>(nullable: false),
                weekday = table.Column<int>(nullable: false),
                starts_at = table.Column<TimeOnly>(nullable: false),
                ends_at = table.Column<TimeOnly>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_working_hours", x => x.id);
                table.ForeignKey("fk_working_hours_therapists_therapist_id", x => x.therapist_id, "therapists", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_working_hours_therapist_id_weekday", "working_hours", ["therapist_id", "weekday"]);

        migrationBuilder.CreateTable(
            name: "time_off",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                therapist_id = table.Column<Guid>(nullable: false),
                starts_at = table.Column<DateTime>(nullable: false),
                ends_at = table.Column<DateTime>(nullable: false),
                reason = table.Column<string>(maxLength: 200, nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_time_off", x => x.id);
                table.ForeignKey("fk_time_off_therapists_therapist_id", x => x.therapist_id, "therapists", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_time_off_therapist_id_starts_at", "time_off", ["therapist_id", "starts_at"]);

        migrationBuilder.CreateTable(
            name: "sessions",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                patient_id = table.Column<Guid>(nullable: false),
                therapist_id = table.Column<Guid>(nullable: false),
                episode_id = table.Column<Guid>(nullable: false),
                kind = table.Column<string>(maxLength: 40, nullable: false),
                starts_at = table.Column<DateTime>(nullable: false),
                ends_at = table.Column<DateTime>(nullable: false),
                duration_minutes = table.Column<int>(nullable: false),
                status = table.Column<string>(maxLength: 16, nullable: false),
                cancelled_by = table.Column<string>(maxLength: 16, nullable: true),
                cancellation_reason = table.Column<string>(maxLength: 500, nullable: true),
                cancelled_at = table.Column<DateTime>(nullable: true),
                late_cancellation = table.Column<bool>(nullable: false),
                series_id = table.Column<Guid>(nullable: true),
                created_at = table.Column<DateTime>(nullable: false),
                updated_at = table.Column<DateTime>(nullable: false),
                version = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_sessions", x => x.id);
                table.ForeignKey("fk_sessions_patients_patient_id", x => x.patient_id, "patients", "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_sessions_therapists_therapist_id", x => x.therapist_id, "therapists", "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_sessions_episodes_episode_id", x => x.episode_id, "episodes", "id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex("ix_sessions_therapist_id_starts_at", "sessions", ["therapist_id", "starts_at"]);
        migrationBuilder.CreateIndex("ix_sessions_patient_id_starts_at", "sessions", ["patient_id", "starts_at"]);
        migrationBuilder.CreateIndex("ix_sessions_episode_id_status", "sessions", ["episode_id", "status"]);
        migrationBuilder.CreateIndex("ix_sessions_starts_at", "sessions", "starts_at");

        migrationBuilder.CreateTable(
            name: "idempotency_records",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                operation = table.Column<string>(maxLength: 60, nullable: false),
                user_id = table.Column<string>(maxLength: 100, nullable: false),
                key = table.Column<string>(maxLength: 200, nullable: false),
                request_hash = table.Column<string>(maxLength: 64, nullable: false),
                status_code = table.Column<int>(nullable: false),
                location = table.Column<string>(maxLength: 300, nullable: true),
                response_body = table.Column<string>(nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_idempotency_records", x => x.id));
        migrationBuilder.CreateIndex("ix_idempotency_records_operation_user_id_key", "idempotency_records", ["operation", "user_id", "key"], unique: true);
        migrationBuilder.CreateIndex("ix_idempotency_records_created_at", "idempotency_records", "created_at");

        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS btree_gist;");
            foreach (var (name, column) in new[] { ("ex_sessions_therapist_overlap", "therapist_id"), ("ex_sessions_patient_overlap", "patient_id") })
            {
                migrationBuilder.Sql(
                    $"ALTER TABLE sessions ADD CONSTRAINT {name} EXCLUDE USING gist " +
                    $"({column} WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (status <> 'Cancelled');");
            }
        }
        else if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.SqlServer")
        {
            // SQL Server has no exclusion constraints. Every writer of a calendar first takes exclusive
            // application locks (owned by the transaction, so held to commit) on the therapist and the patient of
            // each row, in sorted order, and only then looks for overlaps at read committed, blocking on (never
            // skipping) rows another writer holds. Inserts do it INSTEAD OF the insert, before the rows exist:
            // two bookings racing for one calendar are serialised and the second is refused with 51000, never a
            // deadlock. Updates do it AFTER the update: two concurrent updates of one calendar can deadlock, and
            // the victim is rolled back (1205, answered 503). docs/databases.md. Created through EXEC so that an
            // idempotent script (IF NOT EXISTS ... BEGIN ... END) stays valid T-SQL.
            const string Overlaps =
                "s.status <> 'Cancelled' AND i.status <> 'Cancelled' AND (s.therapist_id = i.therapist_id OR s.patient_id = i.patient_id) " +
                "AND s.starts_at < i.ends_at AND i.starts_at < s.ends_at";
            // 51002: a lock could not be had (deadlock victim or cancelled): nothing was written, try again (503).
            const string TakeLocks = """
                DECLARE @resource nvarchar(255), @result int;
                DECLARE booking_locks CURSOR LOCAL FAST_FORWARD FOR
                    SELECT resource FROM (
                        SELECT N'clinicapi/sessions/therapist/' + CONVERT(nvarchar(36), therapist_id) AS resource FROM inserted
                        UNION
                        SELECT N'clinicapi/sessions/patient/' + CONVERT(nvarchar(36), patient_id) FROM inserted) AS locks
                    ORDER BY resource;
                OPEN booking_locks;
                FETCH NEXT FROM booking_locks INTO @resource;
                WHILE @@FETCH_STATUS = 0
                BEGIN
                    EXEC @result = sp_getapplock @Resource = @resource, @LockMode = N'Exclusive', @LockOwner = N'Transaction';
                    IF @result < 0
                    BEGIN
                        CLOSE booking_locks;
                        DEALLOCATE booking_locks;
                        THROW 51002, N'session_lock_unavailable', 1;
                    END;
                    FETCH NEXT FROM booking_locks INTO @resource;
                END;
                CLOSE booking_locks;
                DEALLOCATE booking_locks;
                """;
            // The rows as sent, positionally (inserted has the table's columns in the table's order, so a column a
            // later migration adds is carried without changing this trigger). Last statement on purpose: the
            // count EF reads after the insert is this statement's.
            migrationBuilder.Sql(Exec($"""
                CREATE TRIGGER tr_sessions_no_overlap_insert ON sessions INSTEAD OF INSERT AS
                BEGIN
                    SET NOCOUNT ON;
                    {TakeLocks}
                    IF EXISTS (SELECT 1 FROM inserted i JOIN sessions s ON {Overlaps})
                       OR EXISTS (SELECT 1 FROM inserted i JOIN inserted s ON s.id <> i.id AND {Overlaps})
                        THROW 51000, N'session_overlap', 1;
                    INSERT INTO sessions SELECT * FROM inserted;
                END;
                """));
            migrationBuilder.Sql(Exec($"""
                CREATE TRIGGER tr_sessions_no_overlap_update ON sessions AFTER UPDATE AS
                BEGIN
                    SET NOCOUNT ON;
                    IF NOT (UPDATE(starts_at) OR UPDATE(ends_at) OR UPDATE(status) OR UPDATE(therapist_id) OR UPDATE(patient_id))
                        RETURN;
                    {TakeLocks}
                    IF EXISTS (SELECT 1 FROM inserted i JOIN sessions s ON s.id <> i.id AND {Overlaps})
                        THROW 51000, N'session_overlap', 1;
                END;
                """));
        }
        else
        {
            const string Overlaps =
                "s.status <> 'Cancelled' AND (s.therapist_id = NEW.therapist_id OR s.patient_id = NEW.patient_id) " +
                "AND s.starts_at < NEW.ends_at AND NEW.starts_at < s.ends_at";
            migrationBuilder.Sql(
                $"CREATE TRIGGER tr_sessions_no_overlap_insert BEFORE INSERT ON sessions " +
                $"WHEN NEW.status <> 'Cancelled' AND EXISTS (SELECT 1 FROM sessions s WHERE {Overlaps}) " +
                $"BEGIN SELECT RAISE(ABORT, 'session_overlap'); END;");
            migrationBuilder.Sql(
                $"CREATE TRIGGER tr_sessions_no_overlap_update BEFORE UPDATE OF starts_at, ends_at, status ON sessions " +
                $"WHEN NEW.status <> 'Cancelled' AND EXISTS (SELECT 1 FROM sessions s WHERE s.id <> NEW.id AND {Overlaps}) " +
                $"BEGIN SELECT RAISE(ABORT, 'session_overlap'); END;");
        }
    }

    private static string Exec(string sql) => "EXEC(N'" + sql.Replace("'", "''", StringComparison.Ordinal) + "');";

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "idempotency_records");
        migrationBuilder.DropTable(name: "sessions");
        migrationBuilder.DropTable(name: "time_off");
        migrationBuilder.DropTable(name: "working_hours");
    }
}
