using Axme.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Axme.EndToEnd.Tests;

/// <summary>
/// A load balancer in front of nodes, configured as an operator would: round robin, an active health check of
/// /ready every second that takes a node out after one failure and back after one success. (YARP, a real reverse
/// proxy on a real port; no retries of its own, so every failure it meets reaches the client.)
/// </summary>
public sealed class Balancer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Balancer(WebApplication app, int port)
    {
        _app = app;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri BaseAddress { get; }

    public static async Task<Balancer> StartAsync(IEnumerable<NodeProcess> nodes)
    {
        var port = NodeProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "nodes", Match = new RouteMatch { Path = "{**rest}" } }],
            [new ClusterConfig
            {
                ClusterId = "nodes",
                LoadBalancingPolicy = "RoundRobin",
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true, Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(2),
                        Policy = "ConsecutiveFailures", Path = "/ready",
                    },
                },
                Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "1" },
                // SSE windows last up to a minute, with a keepalive every few seconds.
                HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(2) },
                Destinations = nodes.ToDictionary(n => $"node-{n.Port}", n => new DestinationConfig { Address = n.BaseAddress.ToString() }),
            }]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return new Balancer(app, port);
    }

    public HttpClient CreateClient(string apiKey) => new()
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
        DefaultRequestHeaders = { { "x-api-key", apiKey } },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
