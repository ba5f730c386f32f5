using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClinicApi.Data.Migrations;

/// <summary>
/// Measurement versions (amendments and entered-in-error never overwrite) and adverse events. The existing rows
/// (STarT Back screenings) become version 1, as recorded, current: the column defaults say exactly that.
/// </summary>
[DbContext(typeof(ClinicDbContext))]
[Migration("20261122000000_MeasurementVersions")]
public sealed class MeasurementVersions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<Guid>(name: "root_id", table: "measurements", nullable: true);
        migrationBuilder.AddColumn<int>(name: "version", table: "measurements", nullable: false, defaultValue: 1);
        migrationBuilder.AddColumn<string>(name: "status", table: "measurements", maxLength: 20, nullable: false, defaultValue: "Final");
        migrationBuilder.AddColumn<bool>(name: "superseded", table: "measurements", nullable: false, defaultValue: false);
        migrationBuilder.AddColumn<string>(name: "reason", table: "measurements", maxLength: 500, nullable: true);
        // First versions have no root: SQL Server's unique index must leave NULLs out, as the model's does there.
        migrationBuilder.CreateIndex("ix_measurements_root_id_version", "measurements", ["root_id", "version"], unique: true,
            filter: migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.SqlServer" ? "[root_id] IS NOT NULL" : null);
        migrationBuilder.CreateIndex("ix_measurements_instrument_episode_id", "measurements", ["instrument", "episode_id"]);

        migrationBuilder.CreateTable(
            name: "adverse_events",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                episode_id = table.Column<Guid>(nullable: false),
                patient_id = table.Column<Guid>(nullable: false),
                occurred_on = table.Column<DateOnly>(nullable: false),
                severity = table.Column<string>(maxLength: 16, nullable: false),
                relatedness = table.Column<string>(maxLength: 16, nullable: false),
                code = table.Column<string>(maxLength: 40, nullable: false),
                description = table.Column<string>(maxLength: 200, nullable: true),
                recorded_by = table.Column<string>(maxLength: 100, nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_adverse_events", x => x.id);
                table.ForeignKey("fk_adverse_events_episodes_episode_id", x => x.episode_id, "episodes", "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_adverse_events_patients_patient_id", x => x.patient_id, "patients", "id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex("ix_adverse_events_episode_id_occurred_on", "adverse_events", ["episode_id", "occurred_on"]);
        migrationBuilder.CreateIndex("ix_adverse_events_patient_id", "adverse_events", "patient_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "adverse_events");
        migrationBuilder.DropIndex("ix_measurements_instrument_episode_id", "measurements");
        migrationBuilder.DropIndex("ix_measurements_root_id_version", "measurements");
        migrationBuilder.DropColumn("reason", "measurements");
        migrationBuilder.DropColumn("superseded", "measurements");
        migrationBuilder.DropColumn("status", "measurements");
        migrationBuilder.DropColumn("version", "measurements");
        migrationBuilder.DropColumn("root_id", "measurements");
    }
}
