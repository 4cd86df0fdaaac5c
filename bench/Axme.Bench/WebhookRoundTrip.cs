using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Axme.Bench;

/// <summary>
/// "Http round trip": A agents registered with delivery_mode http, all behind one Kestrel receiver of this
/// process (127.0.0.1, random port, path /hook/{agent name}), each with its own webhook secret. The receiver
/// verifies X-AXME-Signature, answers 200 at once and queues the intent for the agent's worker, which
/// resolves it with the agent's key, like a real agent (acknowledge, then work). The submitter side is
/// <see cref="AgentRoundTrip.SubmitAndWaitAsync"/>, as in the stream round trip.
/// </summary>
public sealed class WebhookRoundTrip : AgentBinding, IAsyncDisposable
{
    private sealed class Hook(string secret)
    {
        public byte[] Secret { get; } = Encoding.UTF8.GetBytes(secret);
        public Channel<string> Deliveries { get; } = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        public ErrorLog? Errors;
    }

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Hook> _hooks = new(StringComparer.Ordinal);
    private string _baseUrl = "";
    private long _posts, _redeliveries, _badSignatures, _unknownPaths;

    private WebhookRoundTrip()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/hook/{name}", HandleAsync);
    }

    public static async Task<WebhookRoundTrip> StartAsync()
    {
        var receiver = new WebhookRoundTrip();
        await receiver._app.StartAsync();
        receiver._baseUrl = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    public string BaseUrl => _baseUrl;

    public override string Kind => "http";

    public override string Description => "http webhook round trip";

    public override string Metric =>
        "latency = create sent → 'event: intent.completed' read on the submitter's intent stream (since=2); " +
        "each agent: own service account + key, delivery_mode http to the bench's Kestrel receiver (own secret, path /hook/<name>), " +
        "which verifies the signature, answers 200 at once and queues the intent; the agent's worker resolves COMPLETED with its key";

    /// <summary>Registers the agent's hook (its path and a random secret) and returns its http registration.</summary>
    public override string Registration(string name)
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)); // 32 chars (16–128 allowed)
        _hooks[name] = new Hook(secret);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = name,
            ["delivery_mode"] = "http",
            ["webhook_url"] = $"{_baseUrl}/hook/{name}",
            ["webhook_secret"] = secret,
            ["max_delivery_attempts"] = 5,
        });
    }

    public override Dictionary<string, long> Counters(IReadOnlyList<AgentRoundTrip.Agent> agents)
    {
        var counters = base.Counters(agents);
        counters["webhook_posts"] = Interlocked.Read(ref _posts);
        counters["webhook_redeliveries"] = Interlocked.Read(ref _redeliveries); // delivery_attempt > 1: the node retried
        counters["webhook_bad_signatures"] = Interlocked.Read(ref _badSignatures);
        counters["webhook_unknown_paths"] = Interlocked.Read(ref _unknownPaths);
        return counters;
    }

    /// <summary>The agent's worker: takes what the receiver queued for it and hands it to its resolver.</summary>
    public override async Task RunAgentAsync(AgentRoundTrip.Agent agent, int maxInFlight, ErrorLog errors, CancellationToken stop)
    {
        var hook = _hooks[agent.Name];
        hook.Errors = errors;
        using var resolver = new AgentRoundTrip.Resolver(agent, maxInFlight, errors);
        try
        {
            await foreach (var intentId in hook.Deliveries.Reader.ReadAllAsync(stop))
                await resolver.StartAsync(intentId, stop); // a redelivered intent_id is not resolved twice
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        await resolver.DrainAsync();
    }

    private async Task HandleAsync(HttpContext http, string name)
    {
        Interlocked.Increment(ref _posts);
        if (!_hooks.TryGetValue(name, out var hook))
        {
            Interlocked.Increment(ref _unknownPaths);
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var raw = buffer.ToArray();
        var headers = http.Request.Headers;
        if (Verify(hook.Secret, raw, headers["X-AXME-Signature"], headers["X-AXME-Timestamp"], headers["X-AXME-Delivery-Id"]) is not { } delivery)
        {
            // Counted as an agent error; 401 makes the node retry, as it would with a real agent.
            Interlocked.Increment(ref _badSignatures);
            hook.Errors?.Add(new BenchHttpException($"webhook {name}: bad signature, timestamp or delivery id: {Encoding.UTF8.GetString(raw.AsSpan(0, Math.Min(200, raw.Length)))}"));
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        if (delivery.Attempt > 1) Interlocked.Increment(ref _redeliveries);
        hook.Deliveries.Writer.TryWrite(delivery.IntentId);
        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    private readonly record struct Delivery(string IntentId, int Attempt);

    /// <summary>
    /// What docs/api/delivery-and-webhooks.md tells receivers to check: the lowercase hex HMAC-SHA256 of the raw body with the secret,
    /// X-AXME-Timestamp equal to the signed sent_at and recent (5 min), X-AXME-Delivery-Id equal to the signed delivery_id.
    /// </summary>
    private static Delivery? Verify(byte[] secret, byte[] raw, string? signature, string? timestamp, string? deliveryId)
    {
        if (signature is not { Length: 64 } || !long.TryParse(timestamp, out var ts)) return null;
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(secret, raw, expected);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(expected)), Encoding.ASCII.GetBytes(signature)))
            return null;
        using var doc = JsonDocument.Parse(raw);
        var root = doc.RootElement;
        if (!root.TryGetProperty("sent_at", out var sentAt) || sentAt.GetInt64() != ts
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - ts) > 300
            || root.GetProperty("delivery_id").GetString() != deliveryId)
            return null;
        return new Delivery(root.GetProperty("intent_id").GetString()!, root.TryGetProperty("delivery_attempt", out var a) ? a.GetInt32() : 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
