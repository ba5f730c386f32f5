using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClinicApi.Data.Migrations;

/// <summary>
/// Hand-written and provider-neutral: column types come from each provider's mapping of the CLR type, so the
/// same migration builds the same schema as the model on SQLite and PostgreSQL (MigrationsMatchModelTests proves it).
/// </summary>
[DbContext(typeof(ClinicDbContext))]
[Migration("20261121120000_Patients")]
public sealed class Patients : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "patients",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                medical_record_number = table.Column<string>(maxLength: 32, nullable: false),
                given_name = table.Column<string>(maxLength: 100, nullable: false),
                family_name = table.Column<string>(maxLength: 100, nullable: false),
                search_name = table.Column<string>(maxLength: 201, nullable: false),
                date_of_birth = table.Column<DateOnly>(nullable: false),
                sex = table.Column<string>(maxLength: 16, nullable: false),
                email = table.Column<string>(maxLength: 254, nullable: true),
                phone = table.Column<string>(maxLength: 32, nullable: true),
                pain_onset_date = table.Column<DateOnly>(nullable: true),
                has_anxiety = table.Column<bool>(nullable: false),
                has_depression = table.Column<bool>(nullable: false),
                consent_to_deidentified_reporting = table.Column<bool>(nullable: false),
                notes = table.Column<string>(maxLength: 2000, nullable: true),
                status = table.Column<string>(maxLength: 16, nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
                updated_at = table.Column<DateTime>(nullable: false),
                archived_at = table.Column<DateTime>(nullable: true),
                version = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_patients", x => x.id));

        migrationBuilder.CreateIndex(
            name: "ix_patients_medical_record_number", table: "patients", column: "medical_record_number", unique: true);
        migrationBuilder.CreateIndex(
            name: "ix_patients_status_family_name_given_name_id", table: "patients",
            columns: ["status", "family_name", "given_name", "id"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "patients");
}
