using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClinicApi.Data.Migrations;

[DbContext(typeof(ClinicDbContext))]
[Migration("20261121120100_Therapists")]
public sealed class Therapists : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "therapists",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                given_name = table.Column<string>(maxLength: 100, nullable: false),
                family_name = table.Column<string>(maxLength: 100, nullable: false),
                email = table.Column<string>(maxLength: 254, nullable: true),
                registration_number = table.Column<string>(maxLength: 32, nullable: false),
                is_active = table.Column<bool>(nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
                updated_at = table.Column<DateTime>(nullable: false),
                deactivated_at = table.Column<DateTime>(nullable: true),
                version = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_therapists", x => x.id));

        migrationBuilder.CreateTable(
            name: "therapist_competencies",
            columns: table => new
            {
                therapist_id = table.Column<Guid>(nullable: false),
                competency = table.Column<string>(maxLength: 40, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_therapist_competencies", x => new { x.therapist_id, x.competency });
                table.ForeignKey(
                    name: "fk_therapist_competencies_therapists_therapist_id",
                    column: x => x.therapist_id,
                    principalTable: "therapists",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "ix_therapists_registration_number", table: "therapists", column: "registration_number", unique: true);
        migrationBuilder.CreateIndex(
            name: "ix_therapists_family_name_given_name_id", table: "therapists", columns: ["family_name", "given_name", "id"]);
        migrationBuilder.CreateIndex(
            name: "ix_therapist_competencies_competency", table: "therapist_competencies", column: "competency");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "therapist_competencies");
        migrationBuilder.DropTable(name: "therapists");
    }
}
