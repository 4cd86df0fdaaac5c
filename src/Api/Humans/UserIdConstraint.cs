using System.Collections.Frozen;

namespace Axme.Api.Humans;

/// <summary>
/// A user_id route value that is not one of the gateway's own paths under /v1/users (the nick and profile operations
/// of PROTOCOL §1.3), so a request to one of those is not read as a user's id and answered "user not found:
/// check-nick"; it gets the protocol's 404 for a route this node does not serve.
/// </summary>
public sealed class UserIdConstraint : IRouteConstraint
{
    public const string Name = "userid";

    private static readonly FrozenSet<string> GatewayPaths =
        FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "check-nick", "register-nick", "resolve-nick", "rename-nick", "profile");

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value?.ToString() is { } id && !GatewayPaths.Contains(id);
}
