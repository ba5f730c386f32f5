using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClinicApi.Data.Migrations;

/// <summary>
/// A covering index over current scores (latest version, not withdrawn) by instrument and episode: the cohort
/// and therapist reports read every current score of one instrument, and with this index PostgreSQL answers
/// from the index alone instead of scanning every version of every measurement (docs/performance.md).
/// </summary>
[DbContext(typeof(ClinicDbContext))]
[Migration("20261122030000_CurrentScoresIndex")]
public sealed class CurrentScoresIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateIndex("ix_measurements_current_scores", "measurements", ["instrument", "episode_id", "taken_at", "score"],
            // The same rows in T-SQL, whose bit column is no predicate by itself.
            filter: migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.SqlServer"
                ? "superseded = 0 AND status <> 'EnteredInError'"
                : "NOT superseded AND status <> 'EnteredInError'");

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropIndex("ix_measurements_current_scores", "measurements");
}
