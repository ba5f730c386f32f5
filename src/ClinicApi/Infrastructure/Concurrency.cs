using System.Diagnostics.CodeAnalysis;
using ClinicApi.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace ClinicApi.Infrastructure;

public enum Precondition
{
    Satisfied,
    Missing,
    Stale,
}

/// <summary>Strong ETags from row versions, and the If-Match check every update makes.</summary>
public static class ETags
{
    public static string For(IVersioned resource) => $"\"{resource.Version}\"";

    public static void Set(HttpResponse response, IVersioned resource) => response.Headers.ETag = For(resource);

    /// <summary>
    /// Compares If-Match with the resource's current ETag (strong comparison). <c>*</c> is refused like a
    /// missing header: it would let a client overwrite a change it never saw.
    /// </summary>
    public static Precondition Check(HttpRequest request, IVersioned resource) => Check(request, For(resource));

    /// <summary>The answer to a failed precondition: 428 when If-Match is missing, 412 when stale, none when satisfied.</summary>
    public static ProblemHttpResult? ProblemFor(Precondition precondition) => precondition switch
    {
        Precondition.Missing => Problems.PreconditionRequired(),
        Precondition.Stale => Problems.PreconditionFailed(),
        _ => null,
    };

    /// <summary>The same check against an ETag computed from content (for resources without a version row).</summary>
    public static Precondition Check(HttpRequest request, string currentETag)
    {
        var header = request.Headers.IfMatch;
        if (header.Count == 0 || !EntityTagHeaderValue.TryParseList(header, out var tags) || tags.Count == 0 ||
            tags.Any(t => t.Equals(EntityTagHeaderValue.Any)))
        {
            return Precondition.Missing;
        }

        var current = new EntityTagHeaderValue(currentETag);
        return tags.Any(t => t.Compare(current, useStrongComparison: true)) ? Precondition.Satisfied : Precondition.Stale;
    }
}

/// <summary>A row loaded to be changed, or the answer that stops the change (404, 428 or 412).</summary>
public sealed record ForUpdate<T>(T? Row, ProblemHttpResult? Problem) where T : class
{
    [MemberNotNullWhen(true, nameof(Row))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Found => Problem is null;
}

/// <summary>The one way an update loads its row: by id, tracked, with the If-Match check.</summary>
public static class LoadForUpdate
{
    /// <summary>
    /// The tracked row with this id, if the request's If-Match names its current version: 404 when there is no
    /// such row, 428 without If-Match, 412 when the client's copy is stale. The version is checked again when the
    /// change is saved (it is the concurrency token), so a writer that loses a race after this check still gets 412.
    /// </summary>
    public static async Task<ForUpdate<T>> ForUpdateAsync<T>(this IQueryable<T> rows, Guid id, string resource, HttpRequest request, CancellationToken ct)
        where T : class, IVersioned
    {
        var row = await rows.FirstOrDefaultAsync(r => r.Id == id, ct);
        return row is null
            ? new(null, Problems.NotFound(resource, id))
            : new(row, ETags.ProblemFor(ETags.Check(request, row)));
    }
}
