using Microsoft.Extensions.Logging;

namespace Axme.Api.Hosting;

/// <summary>Puts the intent id of the route (when there is one) into the logging scope of the request, next to the trace id.</summary>
public sealed class RequestLogScope(RequestDelegate next, ILogger<RequestLogScope> logger)
{
    /// <summary>A request without an intent in its route passes straight through (no async frame of its own).</summary>
    public Task InvokeAsync(HttpContext http) =>
        http.GetRouteValue("intent_id") is string id ? WithScopeAsync(http, id) : next(http);

    private async Task WithScopeAsync(HttpContext http, string intentId)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["IntentId"] = intentId });
        await next(http);
    }
}
