using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClinicApi.Infrastructure;

/// <summary>The expected failures every feature returns, as RFC 9457 ProblemDetails.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string resource, Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
            detail: $"No {resource} with id {id} exists.");

    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail, extensions: extensions);

    /// <summary>The role may use the operation, but not on this object (another therapist's schedule, a care team one does not lead).</summary>
    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public static ProblemHttpResult Unprocessable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unprocessable request", detail: detail);

    public static ProblemHttpResult PreconditionFailed() =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed",
            detail: "The resource has changed since it was read: GET it again and retry with its current ETag in If-Match.");

    public static ProblemHttpResult PreconditionRequired() =>
        TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "Precondition required",
            detail: "This update needs an If-Match header carrying the ETag returned by the last GET of the resource.");

    public static ProblemHttpResult BadRequest(string field, string message) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "One or more validation errors occurred.",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });

    public static IServiceCollection AddClinicProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= null;
            context.ProblemDetails.Extensions["traceId"] = TraceIds.Current(context.HttpContext);
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }
}

/// <summary>
/// Turns what escapes a handler into ProblemDetails. Malformed requests (broken JSON, wrong types, missing body,
/// wrong content type, oversized body) are the client's fault: 4xx. A database that cannot be reached is 503.
/// Anything else is a bug: 500 with a trace id and nothing internal (no message, type or stack trace).
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var context = httpContext;
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads a body.
            context.Response.StatusCode = 499;
            return true;
        }

        var problem = Describe(exception);
        if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled {ExceptionType} answered {StatusCode}", exception.GetType().Name, problem.Status);
        }
        else
        {
            logger.LogInformation("Rejected a malformed request with {StatusCode}", problem.Status);
        }

        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>
    /// The database could not be reached or went away mid-request: a connection failure, a server shutting down
    /// or out of resources, a command timeout, SQL Server's transient errors, or SQLite still locked after its
    /// busy timeout. Wrapped or not
    /// (EF wraps failures of SaveChanges in DbUpdateException).
    /// </summary>
    public static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when pg.SqlState.StartsWith("08", StringComparison.Ordinal) ||
                                               pg.SqlState.StartsWith("53", StringComparison.Ordinal) ||
                                               pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.IsTransient:
                case NpgsqlException and not PostgresException:
                case TimeoutException:
                case System.Net.Sockets.SocketException:
                case Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 }:
                case Microsoft.Data.SqlClient.SqlException sql when IsSqlServerUnavailable(sql.Number):
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// SQL Server error numbers that mean "not reachable now", not "this request was wrong": -2 command timeout;
    /// network and login-phase failures (-1, 2, 53, 64, 233, 10053, 10054, 10060, 10061, 11001); 4060 the database
    /// cannot be opened (e.g. still recovering); 6005 and 6006 shutting down; 1205 chosen as a deadlock victim and
    /// 1222 lock timeout, and the booking triggers' own "lock unavailable" (try again); 40197, 40501, 40613,
    /// 49918 to 49920 Azure SQL busy or failing over.
    /// </summary>
    internal static bool IsSqlServerUnavailable(int number) => number is
        -2 or -1 or 2 or 53 or 64 or 233 or 10053 or 10054 or 10060 or 10061 or 11001 or
        4060 or 6005 or 6006 or 1205 or 1222 or 40197 or 40501 or 40613 or 49918 or 49919 or 49920 or
        Data.SchemaNames.SqlServerBookingLockError;

    /// <summary>
    /// What was wrong with the member the reader stopped at, in the client's terms (never a .NET type name).
    /// System.Text.Json reports an unknown or repeated member only through its message, so that is what is read.
    /// </summary>
    private static string JsonFieldMessage(JsonException json) => json.Message switch
    {
        var m when m.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) =>
            "This operation has no such member: check its spelling against the schema (unknown members are refused, not ignored).",
        var m when m.StartsWith("Duplicate property", StringComparison.Ordinal) => "The member appears more than once in the object.",
        _ => "The value is missing, malformed or of the wrong type (numbers are sent as JSON numbers, not strings).",
    };

    private static ProblemDetails Describe(Exception exception)
    {
        switch (exception)
        {
            case BadHttpRequestException bad:
                var problem = new ProblemDetails
                {
                    Status = bad.StatusCode,
                    Title = bad.StatusCode switch
                    {
                        StatusCodes.Status413PayloadTooLarge => "Request body too large",
                        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
                        _ => "Malformed request",
                    },
                    Detail = bad.StatusCode switch
                    {
                        StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                        StatusCodes.Status413PayloadTooLarge => "The request body exceeds the allowed size.",
                        _ => bad.InnerException is JsonException
                            ? "The request body is not valid JSON for this operation, or a value has the wrong type."
                            : "A route, query or header value could not be read, or the request body is missing.",
                    },
                };
                if (bad.InnerException is JsonException { Path: { Length: > 0 } path } json)
                {
                    var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
                    problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [JsonFieldMessage(json)] };
                }

                return problem;
            case Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException:
                // Every If-Match write returns 412 itself (OptimisticSave); this is the backstop that keeps a path
                // someone forgets from answering 500 for what is only a lost race.
                return new ProblemDetails
                {
                    Status = StatusCodes.Status412PreconditionFailed,
                    Title = "Precondition failed",
                    Detail = "The resource has changed since it was read: GET it again and retry with its current ETag in If-Match.",
                };
            case var _ when IsDatabaseUnavailable(exception):
                return new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Service unavailable",
                    Detail = "The database is not reachable right now. Retry shortly; nothing was changed by this request unless it says so.",
                };
            default:
                return new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "Internal server error",
                    Detail = "An unexpected error occurred. Quote the trace id when reporting it.",
                };
        }
    }
}
