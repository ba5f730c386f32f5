using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClinicApi.Data.Migrations;

/// <summary>Study mode: randomised comparisons and the allocation slots they have used.</summary>
[DbContext(typeof(ClinicDbContext))]
[Migration("20261121140000_Studies")]
public sealed class Studies : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "studies",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                name = table.Column<string>(maxLength: 200, nullable: false),
                arm_id_list = table.Column<string>(maxLength: 400, nullable: false),
                ratio_list = table.Column<string>(maxLength: 100, nullable: false),
                block_multiplier_list = table.Column<string>(maxLength: 100, nullable: false),
                seed = table.Column<long>(nullable: false),
                status = table.Column<string>(maxLength: 16, nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
                updated_at = table.Column<DateTime>(nullable: false),
                version = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_studies", x => x.id));

        migrationBuilder.CreateTable(
            name: "allocations",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                study_id = table.Column<Guid>(nullable: false),
                stratum = table.Column<string>(maxLength: 16, nullable: false),
                sequence = table.Column<int>(nullable: false),
                arm_id = table.Column<Guid>(nullable: false),
                patient_id = table.Column<Guid>(nullable: false),
                episode_id = table.Column<Guid>(nullable: false),
                screening_id = table.Column<Guid>(nullable: false),
                allocated_by = table.Column<string>(maxLength: 100, nullable: false),
                allocated_at = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_allocations", x => x.id);
                table.ForeignKey("fk_allocations_studies_study_id", x => x.study_id, "studies", "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_allocations_treatment_arms_arm_id", x => x.arm_id, "treatment_arms", "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_allocations_patients_patient_id", x => x.patient_id, "patients", "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_allocations_episodes_episode_id", x => x.episode_id, "episodes", "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_allocations_measurements_screening_id", x => x.screening_id, "measurements", "id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex("ix_allocations_study_id_stratum_sequence", "allocations", ["study_id", "stratum", "sequence"], unique: true);
        migrationBuilder.CreateIndex("ix_allocations_study_id_patient_id", "allocations", ["study_id", "patient_id"], unique: true);
        migrationBuilder.CreateIndex("ix_allocations_arm_id", "allocations", "arm_id");
        migrationBuilder.CreateIndex("ix_allocations_patient_id", "allocations", "patient_id");
        migrationBuilder.CreateIndex("ix_allocations_episode_id", "allocations", "episode_id");
        migrationBuilder.CreateIndex("ix_allocations_screening_id", "allocations", "screening_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "allocations");
        migrationBuilder.DropTable(name: "studies");
    }
}
