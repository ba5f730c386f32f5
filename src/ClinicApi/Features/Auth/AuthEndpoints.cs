using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Auth;

public static class AuthEndpoints
{
    public static void MapAuth(this IEndpointRouteBuilder app) =>
        app.MapPost("/auth/dev-token", IssueDevelopmentToken.Handle)
            .AllowAnonymous()
            .AddEndpointFilterFactory(ValidationFilter.Create)
            .WithValidationProblems()
            .WithTags("Auth")
            .WithName("IssueDevelopmentToken")
            .WithSummary("Issue a signed development token for a role (Development only)")
            .ProducesProblem(StatusCodes.Status403Forbidden);
}
