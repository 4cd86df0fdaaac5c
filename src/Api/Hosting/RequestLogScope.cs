using Microsoft.Extensions.Logging;

namespace Axme.Api.Hosting;

/// <summary>Puts the intent id of the route (when there is one) into the logging scope of the request, next to the trace id.</summary>
public sealed class RequestLogScope(RequestDelegate next, ILogger<RequestLogScope> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        using var scope = http.GetRouteValue("intent_id") is string id
            ? logger.BeginScope(new Dictionary<string, object> { ["IntentId"] = id })
            : null;
        await next(http);
    }
}
