using Axme.Api.Auth;
using Axme.Grains.Interfaces.Tenancy;

namespace Axme.Api.Usage;

/// <summary>
/// A route that writes against one of its workspace's daily quotas (docs/adr/029): refused with 429 quota_exceeded
/// before the handler runs when the workspace has used its limit, counted once the handler succeeded. The workspace
/// is the one written to (an admin key's ?org_id&amp;workspace_id, else the caller's). Put after an IdempotencyFilter, so a
/// replayed answer is neither refused nor counted.
/// </summary>
public static class QuotaFilter
{
    public static RouteHandlerBuilder Quota(this RouteHandlerBuilder route, string dimension) =>
        route.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (ApiKeyAuthFilter.CallerOrNull(http) is not { } caller) return await next(context);
            var (org, ws) = Http.Query.Workspace(http.Request, caller);
            var quotas = http.RequestServices.GetRequiredService<QuotaGate>();
            await quotas.CheckAsync(org, ws, dimension);
            var result = await next(context);
            quotas.Meter.Add(org, ws, dimension, 1);
            return result;
        });
}
