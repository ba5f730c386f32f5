using Serilog;
using Serilog.Formatting.Json;

namespace ClinicApi.Infrastructure;

public static class LoggingSetup
{
    /// <summary>
    /// Serilog, JSON to the console, levels from the <c>Serilog</c> configuration section.
    /// EF Core never logs parameter values (sensitive data logging stays off), so SQL logs carry no health data.
    /// </summary>
    public static WebApplicationBuilder AddClinicLogging(this WebApplicationBuilder builder)
    {
        var configuration = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext();
        if (builder.Configuration.GetValue("Logging:WriteToConsole", defaultValue: true))
        {
            configuration.WriteTo.Console(new JsonFormatter(renderMessage: true));
        }

        var logger = configuration.CreateLogger();
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
        return builder;
    }
}
