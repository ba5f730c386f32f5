namespace ClinicApi.Infrastructure;

/// <summary>
/// Oversized request headers (a 100 KB bearer token) are answered 431 with ProblemDetails like every other error.
/// Kestrel refuses headers over its own limit before any middleware runs and then sends 431 with no body, so
/// Kestrel's limit is set above the API's and this middleware answers in between.
/// </summary>
public static class HeaderLimits
{
    /// <summary>The API's limit on all request headers together (Kestrel's usual default): 32 KiB.</summary>
    public const int MaxTotalBytes = 32 * 1024;

    /// <summary>Kestrel's own limit: beyond it the connection gets Kestrel's bare 431. Bounded, so memory stays bounded.</summary>
    public const int KestrelMaxTotalBytes = 256 * 1024;

    public static WebApplicationBuilder AddClinicHeaderLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestHeadersTotalSize = KestrelMaxTotalBytes);
        return builder;
    }

    public static WebApplication UseClinicHeaderLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            long total = 0;
            foreach (var (name, values) in context.Request.Headers)
            {
                // Name, ": ", value and CRLF for each value, as Kestrel counts them.
                foreach (var value in values)
                {
                    total += name.Length + (value?.Length ?? 0) + 4;
                }
            }

            if (total > MaxTotalBytes)
            {
                context.Response.StatusCode = StatusCodes.Status431RequestHeaderFieldsTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status431RequestHeaderFieldsTooLarge,
                        Title = "Request headers too large",
                        Detail = $"The request headers exceed {MaxTotalBytes} bytes together (an oversized token or cookie?).",
                    },
                });
                return;
            }

            await next(context);
        });
        return app;
    }
}
