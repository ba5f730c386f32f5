using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClinicApi.Data.Migrations;

/// <summary>
/// Care-team membership as data: therapists added to a patient's care beside the primary therapist, with a
/// reason and an end. Before, a booked session put the patient in the therapist's care as a side effect.
/// </summary>
[DbContext(typeof(ClinicDbContext))]
[Migration("20261201010000_CareTeamMembers")]
public sealed class CareTeamMembers : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "care_team_members",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                patient_id = table.Column<Guid>(nullable: false),
                therapist_id = table.Column<Guid>(nullable: false),
                reason = table.Column<string>(maxLength: 500, nullable: false),
                added_by = table.Column<string>(maxLength: 100, nullable: false),
                added_at = table.Column<DateTime>(nullable: false),
                ends_on = table.Column<DateOnly>(nullable: true),
                ended_at = table.Column<DateTime>(nullable: true),
                ended_by = table.Column<string>(maxLength: 100, nullable: true),
                end_reason = table.Column<string>(maxLength: 500, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_care_team_members", x => x.id);
                table.ForeignKey("fk_care_team_members_patients_patient_id", x => x.patient_id, "patients", "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_care_team_members_therapists_therapist_id", x => x.therapist_id, "therapists", "id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex("ix_care_team_members_patient_id_therapist_id", "care_team_members", ["patient_id", "therapist_id"]);
        migrationBuilder.CreateIndex("ix_care_team_members_therapist_id_patient_id", "care_team_members", ["therapist_id", "patient_id"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("care_team_members");
}
