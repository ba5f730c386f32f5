using ClinicApi;
using ClinicApi.Data;

// `dotnet ClinicApi.dll migrate` applies pending migrations and exits (production applies them
// this way, with Database:MigrateOnStartup=false); anything else runs the API.
var migrateOnly = args.Length > 0 && args[0] == "migrate";
var builder = WebApplication.CreateBuilder(migrateOnly ? args[1..] : args);
builder.AddClinicApi();

var app = builder.Build();
if (migrateOnly)
{
    return await DatabaseMigrator.RunMigrateCommandAsync(app.Services);
}

app.UseClinicApi();
await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
