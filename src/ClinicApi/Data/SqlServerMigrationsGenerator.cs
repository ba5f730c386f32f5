using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Update;

namespace ClinicApi.Data;

/// <summary>
/// SQL Server's migration SQL, with every index filter exactly as the migration states it. The hand-written
/// migrations carry no target model, and without one EF falls back to its pre-2.0 habit of adding
/// <c>WHERE col IS NOT NULL</c> to every unique index, even on NOT NULL columns: a schema the model does not
/// describe. The migrations give the filter themselves where the model has one (unique indexes over nullable
/// columns), so the schema they build is the model's.
/// </summary>
internal sealed class SqlServerMigrationsGenerator(MigrationsSqlGeneratorDependencies dependencies, ICommandBatchPreparer commandBatchPreparer)
    : SqlServerMigrationsSqlGenerator(dependencies, commandBatchPreparer)
{
    protected override bool UseLegacyIndexFilters(CreateIndexOperation operation, IModel? model) => false;
}
