using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicApi.IntegrationTests.Security;

/// <summary>One mapped endpoint, read from the live endpoint list so that a new endpoint is tested without anyone adding it.</summary>
public sealed record MappedEndpoint(string Key, string Method, string Route, IReadOnlyList<string> Policies, bool Anonymous, string ContentType)
{
    /// <summary>A request to the endpoint with an empty body of the content type it accepts.</summary>
    public HttpRequestMessage Request(string url) => new(new HttpMethod(Method), url)
    {
        Content = Method is "POST" or "PUT" ? new StringContent(ContentType == "application/json" ? "{}" : string.Empty, System.Text.Encoding.UTF8, ContentType) : null,
    };
}

public static class Endpoints
{
    public static List<MappedEndpoint> Of(Infrastructure.ClinicApiFactory factory) =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m =>
            {
                var route = "/" + e.RoutePattern.RawText!.Trim('/');
                return new MappedEndpoint($"{m} {route}", m, route,
                    e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList(),
                    e.Metadata.GetMetadata<IAllowAnonymous>() is not null,
                    e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes is [var accepted, ..] ? accepted : "application/json");
            }))
            .Where(e => !e.Route.StartsWith("/swagger", StringComparison.Ordinal))
            .OrderBy(e => e.Key, StringComparer.Ordinal).ToList();

    /// <summary>The route with every parameter filled: <c>{id}</c> from <paramref name="id"/>, others with fresh GUIDs.</summary>
    public static string Url(string route, Guid? id = null) =>
        System.Text.RegularExpressions.Regex.Replace(route, "{([^}:]+)[^}]*}", m => m.Groups[1].Value == "id" && id is { } given ? given.ToString() : Guid.CreateVersion7().ToString());
}
