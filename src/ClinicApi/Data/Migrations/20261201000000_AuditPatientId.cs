using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClinicApi.Data.Migrations;

/// <summary>
/// The patient of every audit row, whatever the route's resource: a patient's export lists every read and write of
/// their data from it (before, reads through a session, a measurement or a search were missing). Rows written
/// earlier keep a null patient; the export still finds those whose resource was the patient itself.
/// </summary>
[DbContext(typeof(ClinicDbContext))]
[Migration("20261201000000_AuditPatientId")]
public sealed class AuditPatientId : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<Guid>("patient_id", "audit_events", nullable: true);
        migrationBuilder.CreateIndex("ix_audit_events_patient_id_at", "audit_events", ["patient_id", "at"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("ix_audit_events_patient_id_at", "audit_events");
        migrationBuilder.DropColumn("patient_id", "audit_events");
    }
}
