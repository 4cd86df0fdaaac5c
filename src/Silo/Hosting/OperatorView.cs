using System.Security.Cryptography;
using Axme.Api.Auth;
using Axme.Api.Web;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Orleans.Dashboard;

namespace Axme.Silo.Hosting;

/// <summary>
/// What an operator watches the cluster with (docs/operations/monitoring.md): Prometheus metrics at /metrics and the
/// Orleans Dashboard at /inbox/dashboard/. Both show every tenant's workings, so both are for admins: an admin API key
/// (x-api-key or Authorization: Bearer), or, for the dashboard in a browser, the web inbox's sign-in with an admin key
/// (its cookie is scoped to /inbox). /metrics also takes the scrape-only AXME_METRICS_TOKEN, so Prometheus holds no
/// admin key.
/// </summary>
public static class OperatorView
{
    public const string MetricsPath = "/metrics";

    /// <summary>Orleans' dashboard services (its grain-call profiler runs only while someone has the dashboard open).</summary>
    public static void AddDashboard(ISiloBuilder silo, AxmeOptions o)
    {
        if (o.Dashboard) silo.AddDashboard(d => d.HideTrace = !o.DashboardLiveLog);
    }

    public static WebApplication MapAxmeOperatorView(this WebApplication app, AxmeOptions o)
    {
        var scrapeToken = o.MetricsToken is { Length: > 0 } t ? Convert.FromHexString(TokenHash.Of(t.Trim())) : null;
        _ = app.Services.GetService<NodeMetrics>(); // its gauges exist from the start (registered with the metrics)
        if (o.Metrics)
            app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null,
                configureBranchedPipeline: branch => branch.Use(async (http, next) =>
                {
                    await EnsureOperatorAsync(http, scrapeToken);
                    await next(http);
                }), optionsName: null);
        if (o.Dashboard)
            // The dashboard is a page for operators, not part of the API: kept out of the OpenAPI document.
            app.MapOrleansDashboard(InboxHeaders.DashboardPath).ExcludeFromDescription().AddEndpointFilter(async (context, next) =>
            {
                var http = context.HttpContext;
                // A browser not signed in: to the inbox's sign-in page rather than a JSON error.
                if (IsDashboardPage(http) && ApiKeyAuthFilter.Token(http.Request) is null
                    && await http.RequestServices.GetRequiredService<InboxSession>().CallerAsync(http) is null)
                    return Results.Redirect("/inbox");
                await EnsureOperatorAsync(http, scrapeToken: null);
                try
                {
                    return await next(context);
                }
                catch (Exception e) when (BadInput(e) is { } bad)
                {
                    // The dashboard's API parses silo addresses and grain ids from the path and lets a bad one throw.
                    throw new ProtocolException(400, "invalid_dashboard_request", "the dashboard cannot read this request: " + bad.Message);
                }
            });
        return app;
    }

    /// <summary>
    /// Returns when the request may see the operator's view, else throws why not (401 no or a bad key, 403 not an
    /// admin), which the error middleware answers like any refusal.
    /// </summary>
    private static async Task EnsureOperatorAsync(HttpContext http, byte[]? scrapeToken)
    {
        if (scrapeToken is not null && ApiKeyAuthFilter.Token(http.Request) is { } presented
            && CryptographicOperations.FixedTimeEquals(Convert.FromHexString(TokenHash.Of(presented)), scrapeToken))
            return;
        var caller = await http.RequestServices.GetRequiredService<InboxSession>().CallerAsync(http);
        if (caller is null)
        {
            if (await http.RequestServices.GetRequiredService<ApiKeyAuthFilter>().AuthenticateAsync(http) is { } refused) throw refused;
            caller = ApiKeyAuthFilter.CallerOf(http);
        }
        if (!caller.IsAdmin) throw new ProtocolException(403, "admin_required", "only an admin key may see the cluster's metrics and dashboard");
    }

    private static Exception? BadInput(Exception e)
    {
        for (var x = (Exception?)e; x is not null; x = x.InnerException)
            if (x is FormatException or ArgumentException or OverflowException) return x;
        return null;
    }

    private static bool IsDashboardPage(HttpContext http) =>
        HttpMethods.IsGet(http.Request.Method) && http.Request.Path.Value?.TrimEnd('/') is { } path
        && (path == InboxHeaders.DashboardPath || path == InboxHeaders.DashboardPath + "/index.html");
}
