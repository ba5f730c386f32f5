using ClinicApi.Data;
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
