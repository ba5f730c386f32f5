using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ClinicApi.Data;

/// <summary>
/// How the <c>dotnet ef</c> tool builds a context without starting the API: the provider comes from
/// <c>-- --provider Sqlite|Postgres|SqlServer</c> (or <c>Database__Provider</c>), the connection from
/// <c>-- --connection "..."</c> (or <c>Database__ConnectionString</c>). Generating a script needs no server, so a
/// placeholder connection serves when none is given; <c>migrations list</c> asks the database only when one is.
/// </summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<ClinicDbContext>
{
    public ClinicDbContext CreateDbContext(string[] args)
    {
        var providerName = Argument(args, "--provider") ?? Environment.GetEnvironmentVariable("Database__Provider") ?? nameof(DatabaseProvider.Sqlite);
        if (!Enum.TryParse<DatabaseProvider>(providerName, ignoreCase: true, out var provider))
        {
            throw new ArgumentException($"Unknown provider '{providerName}': use {string.Join(" or ", Enum.GetNames<DatabaseProvider>())}.");
        }

        var connection = Argument(args, "--connection") ?? Environment.GetEnvironmentVariable("Database__ConnectionString") ?? provider switch
        {
            DatabaseProvider.Sqlite => "Data Source=design-time.db",
            DatabaseProvider.SqlServer => "Server=127.0.0.1;Database=clinic;TrustServerCertificate=True",
            _ => "Host=127.0.0.1;Database=clinic",
        };
        var builder = new DbContextOptionsBuilder<ClinicDbContext>();
        DatabaseSetup.Configure(builder, provider, connection, commandTimeoutSeconds: 60);
        return new ClinicDbContext(builder.Options);
    }

    private static string? Argument(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
