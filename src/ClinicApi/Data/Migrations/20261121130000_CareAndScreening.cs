using ClinicApi.Features.Arms;
using ClinicApi.Infrastructure;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClinicApi.Data.Migrations;

/// <summary>Treatment arms (with the evidence catalogue's six arms seeded), episodes of care and measurements.</summary>
[DbContext(typeof(ClinicDbContext))]
[Migration("20261121130000_CareAndScreening")]
public sealed class CareAndScreening : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "treatment_arms",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                code = table.Column<string>(maxLength: 60, nullable: false),
                name = table.Column<string>(maxLength: 120, nullable: false),
                description = table.Column<string>(maxLength: 1000, nullable: true),
                is_catalogue = table.Column<bool>(nullable: false),
                sessions_per_week = table.Column<int>(nullable: false),
                weeks = table.Column<int>(nullable: false),
                session_kind_codes = table.Column<string>(maxLength: 300, nullable: false),
                evidence_id_codes = table.Column<string>(maxLength: 1000, nullable: false),
                evidence_min_age = table.Column<int>(nullable: true),
                evidence_max_age = table.Column<int>(nullable: true),
                created_at = table.Column<DateTime>(nullable: false),
                updated_at = table.Column<DateTime>(nullable: false),
                version = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_treatment_arms", x => x.id));
        migrationBuilder.CreateIndex(name: "ix_treatment_arms_code", table: "treatment_arms", column: "code", unique: true);

        migrationBuilder.CreateTable(
            name: "episodes",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                patient_id = table.Column<Guid>(nullable: false),
                arm_id = table.Column<Guid>(nullable: false),
                primary_therapist_id = table.Column<Guid>(nullable: false),
                start_date = table.Column<DateOnly>(nullable: false),
                referral_reason = table.Column<string>(maxLength: 1000, nullable: false),
                status = table.Column<string>(maxLength: 16, nullable: false),
                end_date = table.Column<DateOnly>(nullable: true),
                discontinuation_reason = table.Column<string>(maxLength: 1000, nullable: true),
                competency_override_reason = table.Column<string>(maxLength: 1000, nullable: true),
                enrolment_warnings = table.Column<string>(maxLength: 4000, nullable: false),
                previous_episode_id = table.Column<Guid>(nullable: true),
                created_at = table.Column<DateTime>(nullable: false),
                updated_at = table.Column<DateTime>(nullable: false),
                version = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_episodes", x => x.id);
                table.ForeignKey("fk_episodes_patients_patient_id", x => x.patient_id, "patients", "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_episodes_treatment_arms_arm_id", x => x.arm_id, "treatment_arms", "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_episodes_therapists_primary_therapist_id", x => x.primary_therapist_id, "therapists", "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_episodes_episodes_previous_episode_id", x => x.previous_episode_id, "episodes", "id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex(name: "ux_episodes_one_active_per_patient", table: "episodes", column: "patient_id", unique: true, filter: "status = 'Active'");
        migrationBuilder.CreateIndex(name: "ix_episodes_patient_id_start_date", table: "episodes", columns: ["patient_id", "start_date"]);
        migrationBuilder.CreateIndex(name: "ix_episodes_arm_id", table: "episodes", column: "arm_id");
        migrationBuilder.CreateIndex(name: "ix_episodes_primary_therapist_id", table: "episodes", column: "primary_therapist_id");
        migrationBuilder.CreateIndex(name: "ix_episodes_previous_episode_id", table: "episodes", column: "previous_episode_id");

        migrationBuilder.CreateTable(
            name: "measurements",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                patient_id = table.Column<Guid>(nullable: false),
                episode_id = table.Column<Guid>(nullable: true),
                instrument = table.Column<string>(maxLength: 40, nullable: false),
                taken_at = table.Column<DateTime>(nullable: false),
                recorded_by = table.Column<string>(maxLength: 100, nullable: false),
                score = table.Column<double>(nullable: false),
                subscore = table.Column<double>(nullable: true),
                items = table.Column<string>(maxLength: 400, nullable: true),
                interpretation = table.Column<string>(maxLength: 40, nullable: true),
                created_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_measurements", x => x.id);
                table.ForeignKey("fk_measurements_patients_patient_id", x => x.patient_id, "patients", "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_measurements_episodes_episode_id", x => x.episode_id, "episodes", "id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex(name: "ix_measurements_patient_id_instrument_taken_at", table: "measurements", columns: ["patient_id", "instrument", "taken_at"]);
        migrationBuilder.CreateIndex(name: "ix_measurements_episode_id", table: "measurements", column: "episode_id");

        // Plain SQL: InsertData needs a target model (these migrations carry none). The literals read the same on
        // both providers (TRUE is 1 in SQLite) except the instant, written in each provider's own format.
        var seededAt = migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL"
            ? "'2026-11-21 00:00:00+00'"
            : "'2026-11-21 00:00:00'";
        foreach (var arm in ArmCatalogue.Entries)
        {
            migrationBuilder.Sql(
                "INSERT INTO treatment_arms (id, code, name, description, is_catalogue, sessions_per_week, weeks, session_kind_codes, " +
                "evidence_id_codes, evidence_min_age, evidence_max_age, created_at, updated_at, version) VALUES (" +
                $"{Text(arm.Id.ToString().ToUpperInvariant())}, {Text(arm.Code)}, {Text(arm.Name)}, {Text(arm.Description)}, TRUE, " +
                $"{ArmCatalogue.SessionsPerWeek}, {ArmCatalogue.Weeks}, {Text(string.Join(',', arm.Kinds.Select(KebabEnum.Name)))}, " +
                $"{Text(string.Join(',', arm.EvidenceIds))}, {Number(arm.MinAge)}, {Number(arm.MaxAge)}, {seededAt}, {seededAt}, 1);");
        }
    }

    private static string Text(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Number(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "NULL";

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "measurements");
        migrationBuilder.DropTable(name: "episodes");
        migrationBuilder.DropTable(name: "treatment_arms");
    }
}
