using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Template;

namespace Axme.Api.Errors;

/// <summary>
/// Why no endpoint took a request (the fallback's answer, with the protocol's error body): a route takes the path and
/// method but only with a JSON body (415: routing refused the Content-Type), routes take the path with other methods
/// (405, with Allow), or none takes it (404). Computed only for requests that missed, from the app's own endpoints,
/// their templates and inline constraints (so /v1/users/check-nick is no user's id).
/// </summary>
public sealed class RouteMiss(EndpointDataSource endpoints, IInlineConstraintResolver constraints)
{
    private sealed record Route(TemplateMatcher Matcher, IReadOnlyList<(string Parameter, IRouteConstraint Constraint)> Constraints,
        IReadOnlyList<string> Methods, IReadOnlyList<string> ContentTypes);

    private readonly Lazy<Route[]> _routes = new(() =>
        [.. endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Order != int.MaxValue && e.Metadata.GetMetadata<HttpMethodMetadata>() is { HttpMethods.Count: > 0 })
            .Select(e => new Route(
                new TemplateMatcher(new RouteTemplate(e.RoutePattern), []),
                [.. e.RoutePattern.ParameterPolicies.SelectMany(p => p.Value
                    .Where(r => r.Content is not null)
                    .Select(r => (p.Key, constraints.ResolveConstraint(r.Content!)))
                    .Where(c => c.Item2 is not null)
                    .Select(c => (c.Key, c.Item2!)))],
                e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods,
                e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? []))]);

    public IResult Answer(HttpContext http)
    {
        var path = http.Request.Path;
        var taking = _routes.Value.Where(r => Takes(r, http)).ToArray();
        if (taking.Any(r => r.ContentTypes.Count > 0 && r.Methods.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase)))
            return ErrorBody.Result(415, "unsupported_media_type",
                $"{http.Request.Method} {path} takes a JSON body: send it with Content-Type: application/json (got {http.Request.ContentType ?? "none"})");
        var methods = taking.SelectMany(r => r.Methods).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (methods.Length > 0 && !methods.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase))
        {
            http.Response.Headers.Allow = string.Join(", ", methods);
            return ErrorBody.Result(405, "method_not_allowed", $"{path} does not take {http.Request.Method}; it takes {string.Join(", ", methods)}");
        }
        return ErrorBody.Result(404, "not_found", $"no such route: {http.Request.Method} {path}");
    }

    private static bool Takes(Route route, HttpContext http)
    {
        var values = new RouteValueDictionary();
        return route.Matcher.TryMatch(http.Request.Path, values)
            && route.Constraints.All(c => c.Constraint.Match(http, null, c.Parameter, values, RouteDirection.IncomingRequest));
    }
}
