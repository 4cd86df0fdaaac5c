using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Axme.Bench;

/// <summary>
/// What the agent round trips share, whatever the binding (stream listener or http webhook): agents as
/// service accounts with their own keys, the agent's resolve, and the submitter's side of one operation
/// (create → 'event: intent.completed' on the intent's stream).
/// </summary>
public sealed class AgentRoundTrip(Uri baseUrl, string adminKey, string runId)
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

    /// <summary>
    /// Creates <paramref name="count"/> service accounts (admin key), <paramref name="registration"/> giving each
    /// one's POST /v1/service-accounts body from its name, and one key for each.
    /// </summary>
    public async Task<List<Agent>> CreateAgentsAsync(string prefix, int count, Func<string, string> registration, CancellationToken ct)
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
                var sa = await PostJsonAsync(admin, "v1/service-accounts", registration(name), ct);
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

    /// <summary>
    /// The agent's work queue: every delivered intent is resolved (COMPLETED) with the agent's key as its own
    /// task, at most maxInFlight at once; the reader of deliveries waits when all are busy.
    /// </summary>
    public sealed class Resolver(Agent agent, int maxInFlight, ErrorLog errors) : IDisposable
    {
        private readonly SemaphoreSlim _gate = new(maxInFlight);
        private readonly ConcurrentDictionary<Task, byte> _pending = new();
        private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);

        /// <summary>Starts resolving <paramref name="intentId"/>; false if it was already delivered (a redelivery).</summary>
        public async Task<bool> StartAsync(string intentId, CancellationToken stop)
        {
            if (!_seen.TryAdd(intentId, 0)) return false;
            Interlocked.Increment(ref agent.Delivered);
            await _gate.WaitAsync(stop);
            var t = ResolveAsync(intentId, stop);
            _pending.TryAdd(t, 0);
            _ = t.ContinueWith(done => _pending.TryRemove(done, out _), TaskScheduler.Default);
            return true;
        }

        public Task DrainAsync() => Task.WhenAll(_pending.Keys);

        private async Task ResolveAsync(string intentId, CancellationToken ct)
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
                _gate.Release();
            }
        }

        public void Dispose() => _gate.Dispose();
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

/// <summary>
/// How agents get their deliveries in one kind of round trip phase (stream listener, http webhook): the
/// registration body of each agent, the agent's side while the phase runs, and counters for the report.
/// </summary>
public abstract class AgentBinding
{
    /// <summary>Phase name prefix: "{Kind}_rt_a{A}".</summary>
    public abstract string Kind { get; }

    public abstract string Description { get; }

    public abstract string Metric { get; }

    /// <summary>POST /v1/service-accounts body of the agent <paramref name="name"/>.</summary>
    public virtual string Registration(string name) => $$"""{"name":"{{name}}"}""";

    /// <summary>The agent's side until <paramref name="stop"/>: takes deliveries and resolves them (at most maxInFlight at once).</summary>
    public abstract Task RunAgentAsync(AgentRoundTrip.Agent agent, int maxInFlight, ErrorLog errors, CancellationToken stop);

    /// <summary>Monotonic counters (the report shows their change during the timed phase).</summary>
    public virtual Dictionary<string, long> Counters(IReadOnlyList<AgentRoundTrip.Agent> agents) => new(StringComparer.Ordinal)
    {
        ["agent_deliveries"] = agents.Sum(a => (long)a.Delivered),
        ["agent_resolves"] = agents.Sum(a => (long)a.Resolved),
    };
}
