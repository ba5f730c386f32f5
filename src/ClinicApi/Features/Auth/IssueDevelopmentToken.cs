using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClinicApi.Features.Auth;

/// <summary><c>POST /auth/dev-token</c>: a signed token for a chosen role, for local use. Refused outside Development.</summary>
public static class IssueDevelopmentToken
{
    public sealed record Request([property: OpenApiValues(typeof(Roles), nameof(Roles.All))] string? Role, Guid? Subject);

    public sealed record Response(string AccessToken, string TokenType, DateTime ExpiresAt, string Role, Guid Subject);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() =>
            RuleFor(r => r.Role).NotEmpty().Must(r => Roles.All.Contains(r))
                .WithMessage($"role must be one of: {string.Join(", ", Roles.All)}.");
    }

    public static Results<Ok<Response>, ProblemHttpResult> Handle(
        Request request, IHostEnvironment environment, AuthOptions options, TimeProvider time)
    {
        if (!environment.IsDevelopment() || !string.IsNullOrEmpty(options.Authority))
        {
            return Problems.Forbidden("Development tokens are issued only in the Development environment. Use the clinic's identity provider.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var lifetime = TimeSpan.FromHours(8);
        var subject = request.Subject ?? Guid.CreateVersion7();
        var token = DevelopmentTokens.Create(options, subject.ToString(), request.Role!, now, lifetime);
        return TypedResults.Ok(new Response(token, "Bearer", now + lifetime, request.Role!, subject));
    }
}
