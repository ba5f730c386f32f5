using ClinicApi;
using ClinicApi.Data;
using ClinicApi.Features.Demo;

// `dotnet ClinicApi.dll probe [url]` asks a running API whether it is alive (the container health check: the
// runtime image has no curl). Exit code 0 when /health/live answers 200.
if (args is ["probe", .. var rest])
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
    try
    {
        using var response = await http.GetAsync(rest.Length > 0 ? rest[0] : "http://127.0.0.1:8080/health/live");
        return response.IsSuccessStatusCode ? 0 : 1;
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        return 1;
    }
}

// `dotnet ClinicApi.dll migrate` applies pending migrations and exits (production applies them this way, with
// Database:MigrateOnStartup=false); `seed-demo` fills a demo clinic (see DemoClinic); anything else runs the API.
var command = args is [("migrate" or "seed-demo") and var name, ..] ? name : null;
var builder = WebApplication.CreateBuilder(command is null ? args : args[1..]);
builder.AddClinicApi();

var app = builder.Build();
switch (command)
{
    case "migrate":
        return await DatabaseMigrator.RunMigrateCommandAsync(app.Services);
    case "seed-demo":
        return await DemoClinic.RunCommandAsync(app.Services);
}

app.UseClinicApi();
await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
