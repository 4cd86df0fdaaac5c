using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Axme.Testing;

/// <summary>One POST a receiver got: its body, headers, and whether the signature checked out.</summary>
public sealed record ReceivedWebhook(string Path, string Body, JsonObject Json, IReadOnlyDictionary<string, string> Headers, bool SignatureValid, int Answered);

/// <summary>
/// A real webhook receiver (Kestrel on 127.0.0.1, random port) that verifies X-AXME-Signature the way the
/// docs (api/delivery-and-webhooks.md) tell receivers to, and answers what the test decides (e.g. 500 three times, then 200).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly Func<int, string, int> _answer;
    private int _count;

    /// <param name="secret">The shared secret to verify signatures with.</param>
    /// <param name="answer">Status to answer for the n-th request (1-based) to a path.</param>
    private WebhookReceiver(string secret, Func<int, string, int> answer)
    {
        Secret = secret;
        _answer = answer;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/{**path}", HandleAsync);
    }

    public string Secret { get; }
    public string BaseUrl { get; private set; } = "";
    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public static async Task<WebhookReceiver> StartAsync(string secret, Func<int, string, int> answer)
    {
        var receiver = new WebhookReceiver(secret, answer);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = address.TrimEnd('/');
        return receiver;
    }

    /// <summary>What a receiver should do (docs/api/delivery-and-webhooks.md, "Verifying webhook signatures").</summary>
    public static bool Verify(string secret, byte[] rawBody, string? signature, string? timestamp, TimeSpan tolerance)
    {
        if (signature is null || timestamp is null || !long.TryParse(timestamp, out var ts)) return false;
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), rawBody));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))) return false;
        // The signed body carries sent_at: the timestamp header must match it and be recent (no replays).
        var sentAt = JsonNode.Parse(rawBody)?["sent_at"]?.GetValue<long>();
        return sentAt == ts && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - ts) <= tolerance.TotalSeconds;
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var raw = buffer.ToArray();
        var n = Interlocked.Increment(ref _count);
        var status = _answer(n, http.Request.Path);
        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var valid = Verify(Secret, raw, headers.GetValueOrDefault("X-AXME-Signature"), headers.GetValueOrDefault("X-AXME-Timestamp"), TimeSpan.FromMinutes(5));
        _received.Enqueue(new ReceivedWebhook(http.Request.Path, Encoding.UTF8.GetString(raw), JsonNode.Parse(raw)!.AsObject(), headers, valid, status));
        http.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
