using System.Diagnostics;
using Microsoft.AspNetCore.Routing.Patterns;

namespace ClinicApi.Infrastructure;

/// <summary>
/// One log line per request: method, route template, status, elapsed time, trace id and user id.
/// Never the path's values, the query string or a body: those carry health data (names, dates of birth).
/// ASP.NET Core's own request logs (which include the query string) are filtered to Warning in appsettings.json.
/// </summary>
public sealed class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var traceId = TraceIds.Current(context);
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[TraceIds.HeaderName] = traceId;
            return Task.CompletedTask;
        });

        try
        {
            await next(context);
        }
        finally
        {
            var route = context.GetEndpoint() is RouteEndpoint endpoint ? Template(endpoint.RoutePattern) : "(no route)";
            logger.LogInformation(
                "HTTP {Method} {Route} responded {StatusCode} in {ElapsedMs:0.0} ms (trace {TraceId}, user {UserId})",
                context.Request.Method,
                route,
                context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                traceId,
                context.User.FindFirst("sub")?.Value ?? "anonymous");
        }
    }

    private static string Template(RoutePattern pattern) => "/" + (pattern.RawText ?? string.Empty).Trim('/');
}
