using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Axme.Bench;

/// <summary>
/// "Stream round trip" (issue 3): A agents, each a service account with its own key and its own long-lived
/// listener on GET /v1/agents/{name}/intents/stream (reconnecting with its cursor, wait_seconds=15), resolve
/// what they are delivered; a submitter with bounded concurrency sends intents round-robin to them and, for
/// each, follows GET /v1/intents/{id}/events/stream?since=2 until it reads event: intent.completed.
/// Latency = create request sent → intent.completed line read by the submitter.
/// </summary>
public sealed class StreamRoundTrip(Uri baseUrl, string adminKey, string runId)
{
    private static readonly byte[] ResolveBody = """{"status":"COMPLETED","result":{"approved":true}}"""u8.ToArray();
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public sealed class Agent(string name, HttpClient http)
    {
        public string Name { get; } = name;
        public HttpClient Http { get; } = http;
        public string Address => $"agent://default/default/{Name}";
        public byte[] CreateBody { get; } = Encoding.UTF8.GetBytes(
            $$$"""{"intent_type":"bench.approval.v1","to_agent":"agent://default/default/{{{name}}}","payload":{"kind":"approval","amount":1234.5,"currency":"EUR"}}""");
        public int Delivered;
        public int Resolved;
        public int Reconnects;
    }

    public static HttpClient NewClient(Uri baseUrl, string key)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = 1024,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        var http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("x-api-key", key);
        return http;
    }

    /// <summary>Creates <paramref name="count"/> service accounts (admin key) and one key for each.</summary>
    public async Task<List<Agent>> CreateAgentsAsync(string prefix, int count, CancellationToken ct)
    {
        using var admin = NewClient(baseUrl, adminKey);
        var agents = new Agent[count];
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var name = $"{prefix}-{runId}-{i}";
                var sa = await PostJsonAsync(admin, "v1/service-accounts", $$"""{"name":"{{name}}"}""", ct);
                var id = sa.RootElement.GetProperty("service_account").GetProperty("service_account_id").GetString()!;
                var key = await PostJsonAsync(admin, $"v1/service-accounts/{id}/keys", "{}", ct);
                var token = key.RootElement.GetProperty("key").GetProperty("token").GetString()!;
                agents[i] = new Agent(name, NewClient(baseUrl, token));
            }
            finally
            {
                gate.Release();
            }
        }));
        return [.. agents];
    }

    /// <summary>
    /// One agent's listener: reconnects with its cursor until <paramref name="stop"/>; every delivery is
    /// resolved (COMPLETED) with the agent's key as its own task, at most <paramref name="maxInFlight"/> at once.
    /// </summary>
    public static async Task ListenAsync(Agent agent, int maxInFlight, ErrorLog errors, CancellationToken stop)
    {
        long cursor = 0;
        var seen = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        using var gate = new SemaphoreSlim(maxInFlight);
        var pending = new ConcurrentDictionary<Task, byte>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/agents/{agent.Name}/intents/stream?since={cursor}&wait_seconds=15");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                using var window = CancellationTokenSource.CreateLinkedTokenSource(stop);
                window.CancelAfter(TimeSpan.FromSeconds(25));
                using var response = await agent.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, window.Token);
                if (!response.IsSuccessStatusCode)
                    throw new BenchHttpException($"agent stream {agent.Name} -> {(int)response.StatusCode}", response.StatusCode);
                await using var stream = await response.Content.ReadAsStreamAsync(window.Token);
                using var reader = new StreamReader(stream);
                string? evt = null;
                while (await reader.ReadLineAsync(window.Token) is { } line)
                {
                    if (line.StartsWith("id: ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(4), out var id)) cursor = Math.Max(cursor, id);
                    else if (line.StartsWith("event: ", StringComparison.Ordinal)) evt = line[7..];
                    else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        using var doc = JsonDocument.Parse(line.AsMemory(6));
                        if (evt == "stream.timeout" && doc.RootElement.TryGetProperty("next_seq", out var next)) cursor = Math.Max(cursor, next.GetInt64());
                        else if (evt == "intent.delivered" && doc.RootElement.TryGetProperty("intent_id", out var iid)
                                 && iid.GetString() is { } intentId && seen.TryAdd(intentId, 0))
                        {
                            Interlocked.Increment(ref agent.Delivered);
                            await gate.WaitAsync(stop);
                            var t = ResolveAsync(agent, intentId, errors, gate, stop);
                            pending.TryAdd(t, 0);
                            _ = t.ContinueWith(done => pending.TryRemove(done, out _), TaskScheduler.Default);
                        }
                        evt = null;
                    }
                }
                Interlocked.Increment(ref agent.Reconnects);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                errors.Add(e);
                try { await Task.Delay(200, stop); } catch (OperationCanceledException) { break; }
            }
        }
        await Task.WhenAll(pending.Keys);
    }

    private static async Task ResolveAsync(Agent agent, string intentId, ErrorLog errors, SemaphoreSlim gate, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/intents/{intentId}/resolve") { Content = Body(ResolveBody) };
            using var response = await agent.Http.SendAsync(request, ct);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            if (!response.IsSuccessStatusCode || body.AsSpan().IndexOf("\"applied\":true"u8) < 0)
                throw new BenchHttpException($"agent resolve -> {(int)response.StatusCode} {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(200, body.Length)))}");
            Interlocked.Increment(ref agent.Resolved);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            errors.Add(e);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Submitter side of one op: create to the agent, then follow the intent's stream to intent.completed.</summary>
    public static async Task SubmitAndWaitAsync(HttpClient submitter, Agent agent, CancellationToken ct)
    {
        string id;
        using (var create = new HttpRequestMessage(HttpMethod.Post, "v1/intents") { Content = Body(agent.CreateBody) })
        using (var response = await submitter.SendAsync(create, ct))
        {
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            if (!response.IsSuccessStatusCode) throw new BenchHttpException($"create -> {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
            using var doc = JsonDocument.Parse(body);
            id = doc.RootElement.GetProperty("intent_id").GetString()!;
        }
        // Bounded: at most 2 stream windows of wait_seconds=30 for one intent.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
            window.CancelAfter(TimeSpan.FromSeconds(40));
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/intents/{id}/events/stream?since=2&wait_seconds=30");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await submitter.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, window.Token);
            if (!response.IsSuccessStatusCode) throw new BenchHttpException($"intent stream -> {(int)response.StatusCode}", response.StatusCode);
            await using var stream = await response.Content.ReadAsStreamAsync(window.Token);
            using var reader = new StreamReader(stream);
            var done = false;
            while (await reader.ReadLineAsync(window.Token) is { } line)
            {
                if (line == "event: intent.completed") done = true; // keep reading to the end so the connection is reused
                else if (!done && line is "event: intent.failed" or "event: intent.canceled" or "event: intent.cancelled")
                    throw new BenchHttpException($"intent {id}: {line}");
            }
            if (done) return;
        }
        throw new BenchHttpException($"intent {id}: no intent.completed within 2 stream windows");
    }

    private static async Task<JsonDocument> PostJsonAsync(HttpClient http, string path, string json, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Body(Encoding.UTF8.GetBytes(json)) };
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if (!response.IsSuccessStatusCode) throw new BenchHttpException($"POST {path} -> {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
        return JsonDocument.Parse(body);
    }

    private static ByteArrayContent Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = Json;
        return content;
    }
}
