using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ClinicApi.Data;

/// <summary>Provider-neutral reading of constraint violations, so a race that passes a pre-check still ends as 409.</summary>
public static class DbErrors
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintTrigger = 1811;

    // SQL Server: 2601 is a duplicate key in a unique index, 2627 in a unique or primary key constraint.
    private const int SqlServerDuplicateKey = 2601;
    private const int SqlServerUniqueConstraint = 2627;

    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqlException sql => sql.Number is SqlServerDuplicateKey or SqlServerUniqueConstraint,
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint &&
                                  sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        _ => false,
    };

    /// <summary>The database refused overlapping sessions (an exclusion constraint, or the SQLite or SQL Server trigger).</summary>
    public static bool IsOverlapViolation(DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.ExclusionViolation,
        SqlException sql => sql.Number == SchemaNames.SqlServerOverlapError,
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint && sqlite.SqliteExtendedErrorCode == SqliteConstraintTrigger &&
                                  sqlite.Message.Contains(SchemaNames.SqliteOverlapMessage, StringComparison.Ordinal),
        _ => false,
    };
}
