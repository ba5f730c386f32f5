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
        // every provider except the instant, written in each provider's own format, and the boolean (TRUE is 1 in
        // SQLite; T-SQL only has 1).
        var seededAt = migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL"
            ? "'2026-11-21 00:00:00+00'"
            : "'2026-11-21 00:00:00'";
        var isCatalogue = migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.SqlServer" ? "1" : "TRUE";
        // The catalogue as it stood when this migration was written, as literals: a later change to ArmCatalogue
        // must come with a migration of its own, so that new and upgraded databases hold the same rows.
        migrationBuilder.Sql(
            "INSERT INTO treatment_arms (id, code, name, description, is_catalogue, sessions_per_week, weeks, session_kind_codes, " +
            "evidence_id_codes, evidence_min_age, evidence_max_age, created_at, updated_at, version) VALUES " +
            "('01930000-0000-7000-8000-000000000001', 'physio', 'Physiotherapy alone', 'Standard physiotherapy: education on spinal anatomy, strengthening exercise, ultrasound, electrotherapy. The comparator of every figure.', " + isCatalogue + ", 2, 6, 'physiotherapy', 'bemani2023-physio-pain-trajectory', 18, NULL, " + seededAt + ", " + seededAt + ", 1)" + ",\n" +
            "('01930000-0000-7000-8000-000000000002', 'physio-cbt', 'Physiotherapy + cognitive behavioural therapy', 'Physiotherapy plus CBT-based techniques: pain neuroscience education, coping strategies, anxiety management, graded exposure.', " + isCatalogue + ", 2, 6, 'physiotherapy,cognitive-behavioural-therapy', 'ho2022-cbt-function-post,ho2022-cbt-pain-post,bemani2023-cbt-pain-trajectory,bemani2023-cbt-pain-week22', 18, 50, " + seededAt + ", " + seededAt + ", 1)" + ",\n" +
            "('01930000-0000-7000-8000-000000000003', 'physio-pain-education', 'Physiotherapy + pain education', 'Physiotherapy plus pain education.', " + isCatalogue + ", 2, 6, 'physiotherapy,pain-education', 'ho2022-pe-function-post,ho2022-pe-function-mid,ho2022-pe-pain-post', 18, NULL, " + seededAt + ", " + seededAt + ", 1)" + ",\n" +
            "('01930000-0000-7000-8000-000000000004', 'physio-behavioural', 'Physiotherapy + behavioural therapy', 'Physiotherapy plus behavioural therapy; the only combination that kept a clinically important pain effect at mid term.', " + isCatalogue + ", 2, 6, 'physiotherapy,behavioural-therapy', 'ho2022-bt-pain-post,ho2022-bt-pain-mid', 18, NULL, " + seededAt + ", " + seededAt + ", 1)" + ",\n" +
            "('01930000-0000-7000-8000-000000000005', 'individualised-exercise', 'Individualised exercise', 'Exercise individualised to the patient, compared with standard exercise.', " + isCatalogue + ", 2, 6, 'individualised-exercise', 'fleckenstein2022-individualised-pain-short,fleckenstein2022-individualised-disability-short', 18, NULL, " + seededAt + ", " + seededAt + ", 1)" + ",\n" +
            "('01930000-0000-7000-8000-000000000006', 'individualised-exercise-cbt', 'Individualised exercise + CBT', 'Individualised exercise combined with CBT (multimodal), the best arm in Fleckenstein 2022; no confirmed effect size is published for it.', " + isCatalogue + ", 2, 6, 'individualised-exercise,cognitive-behavioural-therapy', '', 18, NULL, " + seededAt + ", " + seededAt + ", 1)" + ";");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "measurements");
        migrationBuilder.DropTable(name: "episodes");
        migrationBuilder.DropTable(name: "treatment_arms");
    }
}
