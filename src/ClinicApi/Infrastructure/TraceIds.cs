using System.Diagnostics;

namespace ClinicApi.Infrastructure;

/// <summary>One trace id per request, shared by the log line, the response header and every ProblemDetails.</summary>
public static class TraceIds
{
    public const string HeaderName = "X-Trace-Id";

    public static string Current(HttpContext context) =>
        Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
}
