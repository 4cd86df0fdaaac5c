using System.Threading.RateLimiting;
using Axme.Api.Accounts;
using Axme.Api.Agents;
using Axme.Api.Audit;
using Axme.Api.Usage;
using Axme.Api.Auth;
using Axme.Api.Errors;
using Axme.Api.Health;
using Axme.Api.Http;
using Axme.Api.Inbox;
using Axme.Api.Humans;
using Axme.Api.Intents;
using Axme.Api.Scenarios;
using Axme.Api.Mcp;
using Axme.Api.Media;
using Axme.Api.Routing;
using Axme.Api.Deliveries;
using Axme.Api.Mesh;
using Axme.Api.Schemas;
using Axme.Api.Sessions;
using Axme.Api.Tenancy;
using Axme.Api.Notifications;
using Axme.Api.Web;
using Axme.Api.Webhooks;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Humans;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Axme.Api.Hosting;

/// <summary>Registers and maps the HTTP front end; the host only calls these two methods.</summary>
public static class ApiHosting
{
    public static IServiceCollection AddAxmeApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section))
            .Validate(o => o.MaxRequestBodyBytes > 0, "Axme:Api:MaxRequestBodyBytes must be positive")
            .Validate(o => o.MediaMaxBytes is > 0 and <= 2147483648L, "Axme:Api:MediaMaxBytes must be from 1 to 2147483648")
            .Validate(o => o.MediaUploadTtl >= TimeSpan.FromMinutes(1) && o.MediaUploadTtl <= TimeSpan.FromDays(7), "Axme:Api:MediaUploadTtl must be from 1 minute to 7 days")
            .Validate(o => o.RateLimitPermits >= 0, "Axme:Api:RateLimitPermits must not be negative")
            .Validate(o => o.SignInPermits >= 0, "Axme:Api:SignInPermits must not be negative")
            .Validate(o => o.MaxStreams > 0 && o.MaxStreamsPerKey > 0 && o.StreamRetryAfterSeconds > 0, "Axme:Api:MaxStreams, MaxStreamsPerKey and StreamRetryAfterSeconds must be positive")
            .Validate(o => o.AuthFailurePermits >= 0 && o.AuthFailureWindow > TimeSpan.Zero, "Axme:Api:AuthFailurePermits must not be negative and AuthFailureWindow must be positive")
            .Validate(o => o.SignInWindow > TimeSpan.Zero, "Axme:Api:SignInWindow must be positive")
            .Validate(o => o.TrustedProxyNetworks() is not null, "Axme:Api:TrustedProxies must list IP addresses or CIDR networks, comma-separated")
            .ValidateOnStart();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, KestrelLimits>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ApiOptions>>((forwarded, api) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: the framework's default trusts loopback.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in api.Value.TrustedProxyNetworks() ?? []) forwarded.KnownIPNetworks.Add(network);
        });
        services.AddSingleton<IntentQueries>();
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<SessionOperations>();
        services.AddSingleton<CliSignIn>();
        services.AddSingleton<Audit.AuditLog>();
        services.AddSingleton<Usage.UsageStore>();
        services.AddSingleton<Grains.Interfaces.Tenancy.IUsageStore>(sp => sp.GetRequiredService<Usage.UsageStore>());
        services.AddSingleton<Usage.UsageFlush>();
        services.AddHostedService(sp => sp.GetRequiredService<Usage.UsageFlush>());
        services.AddSingleton<Usage.QuotaOperations>();
        services.AddSingleton<Agents.DeliveryQueries>();
        services.AddSingleton<InboxQueries>();
        services.AddSingleton<ApiKeyAuthFilter>();
        services.AddSingleton<Mcp.McpRateLimiter>();
        services.AddSingleton<AuthFailureLimiter>();
        services.AddSingleton<StreamSlots>();
        services.AddSingleton(sp => new ObserverLinger(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Intents.IntentObservers(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<ObserverLinger>()));
        services.AddSingleton<NodeDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeDrain>());
        // Room for the drain delay, the requests in flight and the silo's own graceful stop.
        services.AddOptions<Microsoft.Extensions.Hosting.HostOptions>().Configure<IOptions<ApiOptions>>((host, api) =>
            host.ShutdownTimeout = api.Value.DrainDelay + TimeSpan.FromSeconds(30));
        services.AddSingleton<ActorTokens>();
        services.AddSingleton<Webhooks.WebhookSecrets>();
        services.AddSingleton<Http.IdempotencyFilter>();
        services.AddSingleton<MagicLinks>();
        services.AddSingleton<IMagicLinkIssuer>(sp => sp.GetRequiredService<MagicLinks>());
        services.AddSingleton<InboxSession>();
        services.AddSingleton<MeshDashboard>();
        services.AddSingleton<MediaStore>();
        services.AddSingleton<MediaLinks>();
        services.AddSingleton<MediaOperations>();
        services.AddSingleton<DeliveryService>();
        services.AddRazorComponents();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "axme_af";
            o.Cookie.Path = "/inbox";
        });
        services.AddAxmeApiDocument();
        services.Configure<RouteOptions>(o => o.SetParameterPolicy<Humans.UserIdConstraint>(Humans.UserIdConstraint.Name));
        services.AddRateLimiter(limiter =>
        {
            ConfigureRateLimiter(limiter);
            limiter.AddPolicy<string, InboxRateLimit>(InboxRateLimit.Name);
        });
        return services;
    }

    public static WebApplication MapAxmeApi(this WebApplication app)
    {
        // First, so the rate limits, logs and magic-link URLs see the client behind a trusted proxy.
        if (app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.TrustedProxyNetworks() is { Count: > 0 }) app.UseForwardedHeaders();
        app.UseMiddleware<RequestLogScope>();
        app.UseMiddleware<InboxHeaders>();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseMiddleware<InputGuard>();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapHealthEndpoints();
        app.MapScalarApiReference(ApiDocument.ReferencePath, o => o.WithOpenApiRoutePattern("/openapi/{documentName}.json").WithTitle("Axme node API"));
        var v1 = app.MapGroup("/v1").AddEndpointFilter<ApiKeyAuthFilter>().ProducesErrors();
        v1.MapCapabilities();
        v1.MapIntentEndpoints();
        v1.MapServiceAccountEndpoints();
        v1.MapAgentEndpoints();
        v1.MapWebhookEndpoints();
        v1.MapInboxEndpoints();
        v1.MapTaskEndpoints();
        v1.MapNotificationEndpoints();
        v1.MapNickEndpoints();
        v1.MapUserEndpoints();
        v1.MapScenarioEndpoints();
        v1.MapMacroEndpoints();
        v1.MapMeshEndpoints();
        v1.MapMagicLinkEndpoints();
        v1.MapSchemaEndpoints();
        v1.MapReceivePolicyEndpoints();
        v1.MapMediaEndpoints();
        v1.MapRoutingEndpoints();
        v1.MapDeliveryEndpoints();
        v1.MapTenancyEndpoints();
        v1.MapAccessRequestEndpoints();
        v1.MapPortalEndpoints();
        v1.MapAuditEndpoints();
        v1.MapUsageEndpoints();
        app.MapSessionEndpoints();
        app.MapInviteEndpoints();
        app.MapMediaRelays();
        // A request no route takes: the protocol's error body saying why (no such route, another method, not JSON) rather
        // than an empty one (the web inbox's pages keep a plain 404).
        var miss = new Errors.RouteMiss(app.Services.GetRequiredService<EndpointDataSource>(), app.Services.GetRequiredService<IInlineConstraintResolver>());
        // "{**path}", not MapFallback's default "{*path:nonfile}": a path whose last segment has a dot ("..", "a.json") is
        // a miss like any other, answered with the body rather than the framework's empty 404.
        app.MapFallback("{**path}", (HttpContext http) => http.Request.Path.StartsWithSegments("/inbox") ? Results.NotFound() : miss.Answer(http));
        app.MapInboxPages();
        app.MapMcp();
        return app;
    }

    /// <summary>A fixed window per key and endpoint (PROTOCOL §2.7), answering 429 with an integer Retry-After.</summary>
    private static void ConfigureRateLimiter(RateLimiterOptions limiter)
    {
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
        {
            var o = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
            var token = ApiKeyAuthFilter.Token(http.Request);
            if (o.RateLimitPermits == 0 || token is null || !http.Request.Path.StartsWithSegments("/v1"))
                return RateLimitPartition.GetNoLimiter("unlimited");
            var endpoint = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value;
            return RateLimitPartition.GetFixedWindowLimiter($"{ApiKeyAuthFilter.HashOf(http, token)} {http.Request.Method} {endpoint}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = o.RateLimitPermits, Window = o.RateLimitWindow, QueueLimit = 0 });
        });
        limiter.OnRejected = async (context, ct) =>
        {
            var http = context.HttpContext;
            var o = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
            http.Response.Headers.RetryAfter = RetryAfter.Seconds(context.Lease, o.RateLimitWindow).ToString();
            http.Response.Headers["X-RateLimit-Limit"] = o.RateLimitPermits.ToString();
            http.Response.Headers["X-RateLimit-Remaining"] = "0";
            await ErrorBody.WriteAsync(http, 429, "rate_limit_exceeded", "rate limit exceeded; retry after the Retry-After seconds");
        };
    }

    private sealed class KestrelLimits(IOptions<ApiOptions> api) : IConfigureOptions<KestrelServerOptions>
    {
        public void Configure(KestrelServerOptions options) => options.Limits.MaxRequestBodySize = api.Value.MaxRequestBodyBytes;
    }
}
