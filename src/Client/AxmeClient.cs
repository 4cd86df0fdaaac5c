using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Client;

/// <summary>
/// Client of an AXME node (PROTOCOL §2): every write carries an <c>Idempotency-Key</c> (a new GUID per
/// call, reused by its retries), so retrying it never duplicates; GETs and keyed writes are retried with
/// exponential backoff and jitter on 429, 502, 503, 504 and connection failures, honouring
/// <c>Retry-After</c>. Failures throw <see cref="AxmeException"/> subclasses by status.
/// Thread-safe; share one instance (or register it with <c>services.AddAxmeClient</c>).
/// </summary>
public sealed partial class AxmeClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly AxmeClientOptions _options;
    private readonly Uri _base;

    /// <summary>A client with its own <see cref="HttpClient"/>.</summary>
    public AxmeClient(AxmeClientOptions options)
        : this(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, options, ownsHttp: true)
    {
    }

    /// <summary>A client over a caller-provided <see cref="HttpClient"/> (not disposed by the client).</summary>
    /// <remarks><see cref="AxmeClientOptions.BaseUrl"/> wins over <see cref="HttpClient.BaseAddress"/> when both are set.</remarks>
    public AxmeClient(HttpClient http, AxmeClientOptions options)
        : this(http, options, ownsHttp: false)
    {
    }

    private AxmeClient(HttpClient http, AxmeClientOptions options, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _ownsHttp = ownsHttp;
        _options = options;
        var baseUrl = !string.IsNullOrWhiteSpace(options.BaseUrl) ? options.BaseUrl
            : http.BaseAddress?.ToString() ?? throw new ArgumentException("AxmeClientOptions.BaseUrl is required", nameof(options));
        _base = new Uri(baseUrl.TrimEnd('/') + "/");
    }

    /// <summary>The options this client uses.</summary>
    public AxmeClientOptions Options => _options;

    /// <summary>Disposes the <see cref="HttpClient"/> when the client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    /// <summary>A GET returning the JSON object body.</summary>
    private Task<JsonObject> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, null, ct);

    /// <summary>A POST with an idempotency key (the given one or a new GUID).</summary>
    private Task<JsonObject> PostAsync(string path, JsonNode? body, CancellationToken ct, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, path, body ?? new JsonObject(), idempotencyKey ?? NewKey(), ct);

    private static string NewKey() => Guid.NewGuid().ToString();

    /// <summary>
    /// Sends a request, retrying where safe, and returns the JSON object body. A write without an
    /// idempotency key is not retried (none of the client's methods sends one without).
    /// </summary>
    private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonNode? body, string? idempotencyKey, CancellationToken ct)
    {
        var retryable = method == HttpMethod.Get || idempotencyKey is not null;
        var json = body?.ToJsonString();
        using var response = await SendWithRetriesAsync(() =>
        {
            var request = new HttpRequestMessage(method, new Uri(_base, path));
            if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
            return request;
        }, HttpCompletionOption.ResponseContentRead, retryable, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (string.IsNullOrWhiteSpace(text)) return [];
        return JsonNode.Parse(text) as JsonObject ?? throw new JsonException($"{method} {path}: the answer is not a JSON object");
    }

    /// <summary>Sends a request built fresh per attempt; returns a successful response or throws the typed exception.</summary>
    private async Task<HttpResponseMessage> SendWithRetriesAsync(Func<HttpRequestMessage> build, HttpCompletionOption completion, bool retryable, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var canRetry = retryable && attempt < _options.MaxRetries;
            HttpResponseMessage response;
            try
            {
                using var request = build();
                AddHeaders(request);
                response = await _http.SendAsync(request, completion, ct);
            }
            catch (Exception e) when (canRetry && IsTransient(e, ct))
            {
                await Task.Delay(Backoff(attempt, null), ct);
                continue;
            }
            if (response.IsSuccessStatusCode) return response;
            var retryAfter = RetryAfter(response);
            if (canRetry && (int)response.StatusCode is 429 or 502 or 503 or 504)
            {
                response.Dispose();
                await Task.Delay(Backoff(attempt, retryAfter), ct);
                continue;
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                throw AxmeException.From(response.StatusCode, text, retryAfter);
            }
        }
    }

    private void AddHeaders(HttpRequestMessage request)
    {
        if (_options.ApiKey is { Length: > 0 } key) request.Headers.TryAddWithoutValidation("x-api-key", key);
        if (_options.ActorToken is { Length: > 0 } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (_options.OwnerAgent is { Length: > 0 } owner) request.Headers.TryAddWithoutValidation("x-owner-agent", owner);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("axme-dotnet", typeof(AxmeClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
    }

    /// <summary>Connection failures and client-side timeouts (not the caller's cancellation).</summary>
    private static bool IsTransient(Exception e, CancellationToken ct) =>
        e is HttpRequestException or IOException or TimeoutException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);

    /// <summary>Retry-After wins (capped); otherwise base × 2^attempt with ±50 % jitter, capped.</summary>
    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } after) return after < _options.MaxRetryDelay ? after : _options.MaxRetryDelay;
        var ms = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16)) * (0.5 + Random.Shared.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Min(ms, _options.MaxRetryDelay.TotalMilliseconds));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero;
        return null;
    }

    /// <summary>A path segment, escaped.</summary>
    private static string Seg(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        return Uri.EscapeDataString(value);
    }

    /// <summary>An agent address as the catch-all route takes it: without agent://, each segment escaped.</summary>
    private static string AgentPath(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var rest = address.Trim();
        if (rest.StartsWith("agent://", StringComparison.OrdinalIgnoreCase)) rest = rest["agent://".Length..];
        return string.Join('/', rest.Trim('/').Split('/').Select(Uri.EscapeDataString));
    }

    /// <summary>A query string from the non-null pairs.</summary>
    private static string Query(params (string Name, string? Value)[] pairs)
    {
        var parts = pairs.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>A payload given as a JsonNode, a JSON string of an object, or any serializable object.</summary>
    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        _ => JsonSerializer.SerializeToNode(value, value.GetType()),
    };

    /// <summary>
    /// A correlation id for a send that names none (PROTOCOL §5.2: the official schema requires one; the Python and
    /// TypeScript SDKs generate it too). Derived from the Idempotency-Key when there is one, so a send retried from
    /// another process with the same key posts the same body and gets the same intent back.
    /// </summary>
    private static string CorrelationFor(string? idempotencyKey)
    {
        if (idempotencyKey is null) return Guid.NewGuid().ToString();
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("axme-correlation\n" + idempotencyKey));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // a name-based UUID (version 5 layout, RFC 9562)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    /// <summary>A value that must be a JSON object on the wire (payload, result, error); null stays null.</summary>
    private static JsonObject? ToObject(object? value, string name) => ToNode(value) switch
    {
        null => null,
        JsonObject o => o,
        _ => throw new ArgumentException($"{name} must serialize to a JSON object", name),
    };
}
