using ClinicApi.Data;
using ClinicApi.Infrastructure;

namespace ClinicApi.Tests;

/// <summary>SQL Server's error numbers as the API reads them: "try again" is 503, a refused write is never 503.</summary>
public sealed class SqlServerRulesTests
{
    [Theory]
    [InlineData(-2)] // command timeout
    [InlineData(53)] // server not found
    [InlineData(10054)] // connection reset
    [InlineData(4060)] // database cannot be opened
    [InlineData(6005)] // shutting down
    [InlineData(1205)] // deadlock victim: the booking triggers' concurrent updates
    [InlineData(SchemaNames.SqlServerBookingLockError)]
    [InlineData(40613)] // Azure SQL: database unavailable
    public void Unavailability_is_503(int number) => Assert.True(ProblemExceptionHandler.IsSqlServerUnavailable(number));

    [Theory]
    [InlineData(2601)] // duplicate key in a unique index: 409
    [InlineData(2627)] // unique constraint: 409
    [InlineData(547)] // foreign key or check constraint
    [InlineData(SchemaNames.SqlServerOverlapError)] // overlap: 409 with the clashing session
    [InlineData(SchemaNames.SqlServerAuditAppendOnlyError)] // append-only audit
    [InlineData(8152)] // string would be truncated: a bug, 500
    public void A_refused_or_wrong_statement_is_not_unavailability(int number) => Assert.False(ProblemExceptionHandler.IsSqlServerUnavailable(number));

    [Fact]
    public void The_connection_string_bounds_opening_a_connection_like_a_command()
    {
        var options = new DatabaseOptions
        {
            Provider = DatabaseProvider.SqlServer,
            ConnectionString = "Server=db,1433;Database=clinic;User Id=clinic;Password=x;Connect Timeout=60",
            CommandTimeoutSeconds = 5,
        };
        var builder = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(DatabaseSetup.ConnectionString(options, "/"));
        Assert.Equal(5, builder.ConnectTimeout);
        Assert.Equal("clinic", builder.InitialCatalog);
        Assert.Throws<InvalidOperationException>(() => DatabaseSetup.ConnectionString(new DatabaseOptions { Provider = DatabaseProvider.SqlServer }, "/"));
    }
}
