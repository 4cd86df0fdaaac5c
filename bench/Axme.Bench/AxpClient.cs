using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Axme.Bench;

/// <summary>The few AXP calls the benchmark makes, over one pooled keep-alive HttpClient.</summary>
public sealed class AxpClient : IDisposable
{
    /// <summary>Body of every create: an intent of type bench.create.v1 with a ~200-byte payload object.</summary>
    public static readonly byte[] CreateBody = BuildCreateBody();

    private static readonly byte[] ResolveBody = """{"status":"COMPLETED","result":{"approved":true}}"""u8.ToArray();
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;

    public AxpClient(Uri baseUrl, string key)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = 1024,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        _http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Add("x-api-key", key);
    }

    public static int PayloadBytes { get; } = PayloadJson().Length;

    /// <summary>GET /health (no key needed); true on 200.</summary>
    public async Task<bool> HealthyAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync("health", ct);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>POST /v1/intents; returns the new intent_id.</summary>
    public async Task<string> CreateAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/intents") { Content = Body(CreateBody) };
        var body = await SendAsync(request, ct);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.TryGetProperty("intent_id", out var id) && id.GetString() is { Length: > 0 } s
            ? s
            : throw new BenchHttpException($"create: no intent_id in {Snippet(body)}");
    }

    /// <summary>POST /v1/intents/{id}/resolve with status COMPLETED.</summary>
    public async Task ResolveAsync(string intentId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/intents/{intentId}/resolve") { Content = Body(ResolveBody) };
        var body = await SendAsync(request, ct);
        if (body.AsSpan().IndexOf("\"applied\":true"u8) < 0) throw new BenchHttpException($"resolve not applied: {Snippet(body)}");
    }

    /// <summary>
    /// Opens GET /v1/intents/{id}/events/stream?since=2&amp;wait_seconds=10 and returns once the response
    /// headers are in: the server subscribes to the intent before it sends them, so any event after that
    /// point reaches this stream.
    /// </summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string intentId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/intents/{intentId}/events/stream?since=2&wait_seconds=10");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.IsSuccessStatusCode) return response;
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        response.Dispose();
        throw new BenchHttpException($"stream -> {(int)response.StatusCode} {Snippet(body)}", response.StatusCode);
    }

    private async Task<byte[]> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        return response.IsSuccessStatusCode
            ? body
            : throw new BenchHttpException($"{request.Method} {request.RequestUri?.AbsolutePath} -> {(int)response.StatusCode} {Snippet(body)}", response.StatusCode);
    }

    private static ByteArrayContent Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = Json;
        return content;
    }

    private static string Snippet(byte[] body) => Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 200)));

    private static string PayloadJson()
    {
        const string head = "{\"kind\":\"approval\",\"requester\":\"bench-client\",\"amount\":1234.5,\"currency\":\"EUR\",\"note\":\"";
        const string tail = "\"}";
        return head + new string('x', 200 - head.Length - tail.Length) + tail;
    }

    private static byte[] BuildCreateBody()
    {
        var body = $$"""{"intent_type":"bench.create.v1","to_agent":"agent://bench/receiver","payload":{{PayloadJson()}}}""";
        using (JsonDocument.Parse(body)) { } // fail fast on a typo here rather than with 400s from the server
        return Encoding.UTF8.GetBytes(body);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A non-2xx answer or a malformed body.</summary>
public sealed class BenchHttpException(string message, HttpStatusCode? status = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}
