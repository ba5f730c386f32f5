using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClinicApi.Infrastructure;

public static class Roles
{
    public const string FrontDesk = "frontdesk";
    public const string Therapist = "therapist";
    public const string Manager = "manager";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [FrontDesk, Therapist, Manager, Admin];
}

/// <summary>Named authorization policies; every endpoint outside health, OpenAPI and the dev token names one.</summary>
public static class Policies
{
    /// <summary>Identified patient records: front desk, therapists, admin. Managers see aggregates only.</summary>
    public const string PatientRecords = "patient-records";

    /// <summary>Reports and aggregates (de-identified): managers and admin.</summary>
    public const string Reports = "reports";

    /// <summary>Calendars, availability and sessions: front desk, therapists, admin.</summary>
    public const string Scheduling = "scheduling";

    /// <summary>Clinical decisions and clinical data (enrolment, screening): therapists and admin.</summary>
    public const string Clinical = "clinical";

    /// <summary>The staff directory (therapists and their competencies) and the arm catalogue: every role.</summary>
    public const string StaffDirectory = "staff-directory";

    /// <summary>Clinic configuration: admin only.</summary>
    public const string Administration = "administration";

    /// <summary>What any signed-in role may ask about itself (<c>GET /me</c>).</summary>
    public const string AnyRole = "any-role";
}

/// <summary>Section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>OpenID Connect authority whose signing keys validate tokens (required outside Development).</summary>
    public string Authority { get; set; } = string.Empty;

    public string Audience { get; set; } = "clinicapi";

    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>Symmetric key for locally minted tokens; honoured only in Development.</summary>
    public string DevelopmentSigningKey { get; set; } = string.Empty;

    public string DevelopmentIssuer { get; set; } = "clinicapi-dev";
}

public static class AuthSetup
{
    public const string SubjectClaim = "sub";
    public const string RoleClaim = "role";

    public static IServiceCollection AddClinicAuth(this IServiceCollection services, IHostEnvironment environment)
    {
        static bool UsesDevelopmentKey(AuthOptions o, IHostEnvironment environment) => environment.IsDevelopment() && string.IsNullOrEmpty(o.Authority);

        // Checked when the API starts, not here: `migrate` builds the app without starting it and needs no identity provider.
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => !string.IsNullOrEmpty(o.Authority) || environment.IsDevelopment(),
                "Auth:Authority must be set outside Development (the identity provider that issues clinic tokens).")
            .Validate(o => !UsesDevelopmentKey(o, environment) || Encoding.UTF8.GetByteCount(o.DevelopmentSigningKey) >= 32,
                "Auth:DevelopmentSigningKey must be at least 32 bytes.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AuthOptions>>().Value);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<AuthOptions>((jwt, options) =>
        {
            jwt.MapInboundClaims = false;
            // The subject is the user's id everywhere (audit rows, therapist links, idempotency keys): a token without
            // one, or with one that is not a GUID, says nobody in particular and is refused (401), never audited as "anonymous".
            jwt.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    if (context.Principal?.UserId() is not { } subject || subject == Guid.Empty)
                    {
                        context.Fail("The token's sub is not a user id (a GUID).");
                    }

                    return Task.CompletedTask;
                },
            };
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                NameClaimType = SubjectClaim,
                RoleClaimType = RoleClaim,
                ValidateAudience = true,
                ValidAudience = options.Audience,
                ValidateIssuer = true,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromSeconds(options.ClockSkewSeconds),
            };
            if (UsesDevelopmentKey(options, environment) && options.DevelopmentSigningKey.Length > 0)
            {
                jwt.TokenValidationParameters.ValidIssuer = options.DevelopmentIssuer;
                jwt.TokenValidationParameters.IssuerSigningKey = DevelopmentTokens.Key(options.DevelopmentSigningKey);
            }
            else if (!string.IsNullOrEmpty(options.Authority))
            {
                jwt.Authority = options.Authority;
                jwt.Audience = options.Audience;
                jwt.RequireHttpsMetadata = !environment.IsDevelopment();
            }
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.PatientRecords, p => p.RequireRole(Roles.FrontDesk, Roles.Therapist, Roles.Admin))
            .AddPolicy(Policies.Scheduling, p => p.RequireRole(Roles.FrontDesk, Roles.Therapist, Roles.Admin))
            .AddPolicy(Policies.Reports, p => p.RequireRole(Roles.Manager, Roles.Admin))
            .AddPolicy(Policies.Clinical, p => p.RequireRole(Roles.Therapist, Roles.Admin))
            .AddPolicy(Policies.StaffDirectory, p => p.RequireRole(Roles.All))
            .AddPolicy(Policies.Administration, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.AnyRole, p => p.RequireRole(Roles.All))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return services;
    }

    public static Guid? UserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst(SubjectClaim)?.Value, out var id) ? id : null;
}

/// <summary>Signed tokens for local use and tests, with the Development key. Never used outside Development.</summary>
public static class DevelopmentTokens
{
    public static SymmetricSecurityKey Key(string secret) => new(Encoding.UTF8.GetBytes(secret));

    public static string Create(AuthOptions options, string subject, string role, DateTime now, TimeSpan lifetime) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.DevelopmentIssuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = new Dictionary<string, object> { [AuthSetup.SubjectClaim] = subject, [AuthSetup.RoleClaim] = role },
            SigningCredentials = new SigningCredentials(Key(options.DevelopmentSigningKey), SecurityAlgorithms.HmacSha256),
        });
}
