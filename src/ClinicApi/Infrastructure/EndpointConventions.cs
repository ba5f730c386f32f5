namespace ClinicApi.Infrastructure;

public static class EndpointConventions
{
    /// <summary>The answers of an update guarded by If-Match: 404, 412 (stale) and 428 (missing).</summary>
    public static RouteHandlerBuilder ProducesConcurrencyProblems(this RouteHandlerBuilder builder) =>
        builder.ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .WithMetadata(new RequiresIfMatchMetadata());

    /// <summary>The operation reads <c>Idempotency-Key</c> (<see cref="Idempotency"/>): the document declares the header.</summary>
    public static RouteHandlerBuilder AcceptsIdempotencyKey(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new AcceptsIdempotencyKeyMetadata());
}
