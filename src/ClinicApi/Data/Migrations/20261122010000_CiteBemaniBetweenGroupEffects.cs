using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClinicApi.Data.Migrations;

/// <summary>
/// The physiotherapy + CBT catalogue arm also cites Bemani 2023's week-10 mean difference and week-22 Cohen's d,
/// so the cohort report can set the clinic's own effects beside them. Data only; the version moves so ETags change.
/// </summary>
[DbContext(typeof(ClinicDbContext))]
[Migration("20261122010000_CiteBemaniBetweenGroupEffects")]
public sealed class CiteBemaniBetweenGroupEffects : Migration
{
    private const string Before = "ho2022-cbt-function-post,ho2022-cbt-pain-post,bemani2023-cbt-pain-trajectory,bemani2023-cbt-pain-week22";

    private const string After =
        "ho2022-cbt-function-post,ho2022-cbt-pain-post,bemani2023-cbt-pain-trajectory,bemani2023-cbt-pain-week10,bemani2023-cbt-pain-week22,bemani2023-cbt-pain-d-week22";

    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql($"UPDATE treatment_arms SET evidence_id_codes = '{After}', version = version + 1 WHERE code = 'physio-cbt' AND evidence_id_codes = '{Before}';");

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql($"UPDATE treatment_arms SET evidence_id_codes = '{Before}', version = version + 1 WHERE code = 'physio-cbt' AND evidence_id_codes = '{After}';");
}
