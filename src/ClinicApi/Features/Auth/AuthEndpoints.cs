using ClinicApi.Infrastructure;

namespace ClinicApi.Features.Auth;

public static class AuthEndpoints
{
    public static void MapAuth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/me", GetMe.HandleAsync)
            .RequireAuthorization(Policies.AnyRole)
            .WithMetadata(new NotPatientDataAttribute())
            .WithTags("Auth")
            .WithName("GetMe")
            .WithSummary("Who the bearer token is: subject, role and, for a therapist, the linked therapist record");
        app.MapPost("/auth/dev-token", IssueDevelopmentToken.Handle)
            .AllowAnonymous()
            .WithMetadata(new NotPatientDataAttribute())
            .AddEndpointFilterFactory(ValidationFilter.Create)
            .WithValidationProblems()
            .WithTags("Auth")
            .WithName("IssueDevelopmentToken")
            .WithSummary("Issue a signed development token for a role (Development only)")
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
