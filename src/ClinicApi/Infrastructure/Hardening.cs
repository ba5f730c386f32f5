using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace ClinicApi.Infrastructure;

/// <summary>Section <c>Security</c>: abuse limits and browser-facing settings.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Requests a user (or, before sign-in, an address) may make per minute, on average.</summary>
    public int PermitsPerMinute { get; set; } = 1200;

    /// <summary>Requests a user may make at once before the average applies.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Largest request body, in bytes, for every endpoint but the CSV import.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1_048_576;

    /// <summary>Largest CSV import body, in bytes.</summary>
    public long MaxImportBodyBytes { get; set; } = 16_777_216;

    /// <summary>Origins allowed to call the API from a browser. Empty: no cross-origin calls. A wildcard is refused at start.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Outside Development: redirect HTTP to HTTPS and send HSTS (turn off only behind a proxy that does both).</summary>
    public bool HttpsRedirection { get; set; } = true;
}

/// <summary>Endpoint metadata: a larger body limit (the CSV import).</summary>
public sealed record BodyLimitAttribute(string Option);

/// <summary>
/// Rate limiting per user (429 with Retry-After), body size limits (413), CORS from an allowlist, security
/// headers, HTTPS redirection and HSTS outside Development. JSON depth is bounded in <see cref="JsonSetup"/>.
/// Limits are per API instance: see docs/security.md for what that means with several replicas.
/// </summary>
public static class Hardening
{
    public const string CorsPolicy = "clinic-origins";

    public static IServiceCollection AddClinicHardening(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section)
            .Validate(o => o.AllowedOrigins.All(origin => origin != "*" && Uri.TryCreate(origin, UriKind.Absolute, out _)),
                "Security:AllowedOrigins lists absolute origins such as https://app.clinic.example; a wildcard is not allowed.")
            .Validate(o => o.PermitsPerMinute > 0 && o.Burst > 0 && o.MaxRequestBodyBytes > 0 && o.MaxImportBodyBytes > 0,
                "Security limits must be positive.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SecurityOptions>>().Value);
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<SecurityOptions>((cors, options) => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins([.. options.AllowedOrigins.Where(o => o != "*")])
            .WithMethods("GET", "POST", "PUT", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "If-Match", "Idempotency-Key", "Accept")
            .WithExposedHeaders("ETag", "Location", TraceIds.HeaderName, "Retry-After")));
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/health")
                    ? RateLimitPartition.GetNoLimiter("health")
                    : RateLimitPartition.GetTokenBucketLimiter(
                        context.User.FindFirst(AuthSetup.SubjectClaim)?.Value ?? "address:" + context.Connection.RemoteIpAddress,
                        _ => TokenBucket(context.RequestServices.GetRequiredService<SecurityOptions>())));
            limiter.OnRejected = async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"This user has made too many requests; retry after {retryAfter} s.",
                    },
                });
            };
        });
        return services;
    }

    private static TokenBucketRateLimiterOptions TokenBucket(SecurityOptions options) => new()
    {
        TokenLimit = options.Burst,
        TokensPerPeriod = Math.Max(1, options.PermitsPerMinute / 60),
        ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, 60.0 / options.PermitsPerMinute)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public static WebApplication UseClinicHardening(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<SecurityOptions>();
        if (!app.Environment.IsDevelopment() && options.HttpsRedirection)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            if (!context.Request.Path.StartsWithSegments("/swagger"))
            {
                // API responses are data, never pages: nothing to run, frame or cache (they carry health data).
                headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                headers.CacheControl = "no-store";
            }

            await next(context);
        });
        app.UseCors(CorsPolicy);
        app.Use(async (context, next) =>
        {
            // A NUL in the path or query reaches no handler: PostgreSQL refuses it in text, and nothing needs it.
            if ((context.Request.Path.Value?.Contains('\0', StringComparison.Ordinal) ?? false) ||
                context.Request.Query.Any(q => q.Key.Contains('\0', StringComparison.Ordinal) || q.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) ?? false)))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = { Status = StatusCodes.Status400BadRequest, Title = "Malformed request", Detail = "The path or query string holds a NUL character." },
                });
                return;
            }

            await next(context);
        });
        return app;
    }

    /// <summary>After authentication: the per-user rate limit, then the body size limit of the endpoint.</summary>
    public static WebApplication UseClinicLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        app.Use(async (context, next) =>
        {
            var options = context.RequestServices.GetRequiredService<SecurityOptions>();
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodyLimitAttribute>() is { Option: nameof(SecurityOptions.MaxImportBodyBytes) }
                ? options.MaxImportBodyBytes
                : options.MaxRequestBodyBytes;
            if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                // Kestrel stops a chunked body that grows past the limit while it is read.
                feature.MaxRequestBodySize = limit;
            }

            if (context.Request.ContentLength > limit)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status413PayloadTooLarge,
                        Title = "Request body too large",
                        Detail = $"The request body exceeds the allowed {limit} bytes.",
                    },
                });
                return;
            }

            await next(context);
        });
        return app;
    }
}
