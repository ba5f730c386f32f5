using Microsoft.AspNetCore.Routing.Patterns;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace ClinicApi.Infrastructure;

public static class LoggingSetup
{
    /// <summary>
    /// Serilog, compact JSON to the console through an async sink (a slow console never holds a request), levels
    /// from the <c>Serilog</c> configuration section. Events also reach the other registered logger providers, which
    /// is how the tests read them. EF Core never logs parameter values (sensitive data logging stays off), so SQL
    /// logs carry no health data.
    /// </summary>
    public static WebApplicationBuilder AddClinicLogging(this WebApplicationBuilder builder)
    {
        var writeToConsole = builder.Configuration.GetValue("Logging:WriteToConsole", defaultValue: true);
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(
            (services, configuration) =>
            {
                configuration.ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext();
                if (writeToConsole)
                {
                    configuration.WriteTo.Async(sink => sink.Console(new RenderedCompactJsonFormatter()));
                }
            },
            // The static Log.Logger stays untouched: each host (the tests run several in one process) logs through
            // its own pipeline only.
            preserveStaticLogger: true,
            writeToProviders: true);
        return builder;
    }

    /// <summary>
    /// One log line per request: method, route template, status, elapsed time, trace id and user id. Never the
    /// path's values, the query string or a body: those carry health data (record numbers, names, dates of birth).
    /// ASP.NET Core's own request logs (which include the query string) are filtered to Warning in appsettings.json.
    /// </summary>
    public static WebApplication UseClinicRequestLogging(this WebApplication app)
    {
        // The trace id goes out on every response, including those the exception handler writes.
        app.Use((context, next) =>
        {
            var traceId = TraceIds.Current(context);
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[TraceIds.HeaderName] = traceId;
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseSerilogRequestLogging(options =>
        {
            // This host's logger, not the static one (which AddClinicLogging leaves alone).
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = "HTTP {RequestMethod:l} {Route:l} responded {StatusCode} in {Elapsed:0.0} ms (trace {TraceId:l}, user {UserId:l})";
            options.IncludeQueryInRequestPath = false;
            options.GetMessageTemplateProperties = (context, _, elapsed, status) =>
            [
                new LogEventProperty("RequestMethod", new ScalarValue(context.Request.Method)),
                new LogEventProperty("Route", new ScalarValue(Route(context))),
                new LogEventProperty("StatusCode", new ScalarValue(status)),
                new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
                new LogEventProperty("TraceId", new ScalarValue(TraceIds.Current(context))),
                new LogEventProperty("UserId", new ScalarValue(context.User.FindFirst("sub")?.Value ?? "anonymous")),
            ];
        });
        return app;
    }

    private static string Route(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint endpoint ? Template(endpoint.RoutePattern) : "(no route)";

    private static string Template(RoutePattern pattern) => "/" + (pattern.RawText ?? string.Empty).Trim('/');
}
