using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;
using Xunit.Abstractions;

namespace Axme.EndToEnd.Tests;

/// <summary>
/// Three nodes, one cluster, one node killed under load (issue 12 item 4): clients spread over the nodes retry a failed
/// call on another node with the same Idempotency-Key, as the official clients do; the agent listens on two nodes, one
/// of them the victim, and its stream reconnects to a survivor with Last-Event-ID. Nothing acknowledged is lost, no
/// intent is created twice or ends twice, and every round trip completes on the survivors.
/// </summary>
public sealed class ThreeNodeFaultTests(ITestOutputHelper output)
{
    private const int RoundTrips = 300, Clients = 12, KillAfter = 100;
    private const string IntentType = "intent.test.three.v1";

    /// <summary>One call, retried on the next node on a refusal that says "later" or a dead connection.</summary>
    private static async Task<JsonResponse> CallAsync(HttpClient[] nodes, int start, Func<HttpClient, Task<JsonResponse>> call, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        for (var attempt = 0; ; attempt++)
        {
            var node = nodes[(start + attempt) % nodes.Length];
            try
            {
                var r = await call(node);
                if (r.Status is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout)) return r;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // that node is gone: the next one
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no node answered in time");
            await Task.Delay(Math.Min(1000, 50 * (attempt + 1)));
        }
    }

    [Fact]
    public async Task Kill_9_of_one_of_three_nodes_under_load_loses_nothing_and_every_round_trip_completes_on_the_survivors()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_three");
        var nodes = Enumerable.Range(0, 3).Select(_ => new NodeProcess(db, "three-nodes")).ToArray();
        using var stop = new CancellationTokenSource();
        try
        {
            foreach (var n in nodes) await n.StartAsync();
            var admins = nodes.Select(n => { var c = n.CreateClient(); c.Timeout = TimeSpan.FromSeconds(10); return c; }).ToArray();
            await TwoNodeClusterTests.Eventually(async () => (await admins[0].GetJsonAsync("/ready")).Body["checks"]!["active_silos"]!.GetValue<int>() == 3, 60);
            var (_, _, agentKey) = await Tenants.CreateAsync(nodes[0], admins[0], "default", "default", "three-worker");
            var agents = nodes.Select(n => { var c = n.CreateClient(agentKey); c.Timeout = TimeSpan.FromSeconds(10); return c; }).ToArray();
            const int victim = 2;
            var killed = false;

            // The agent: a listener on node 0 and one on the victim; each resolves what it is handed (idempotently).
            var resolvedBy = new ConcurrentDictionary<string, int>();
            async Task ListenAsync(int home)
            {
                string? last = null;
                for (var n = home; !stop.IsCancellationRequested; n = (n + 1) % nodes.Length)
                {
                    if (n == victim && Volatile.Read(ref killed)) continue;
                    try
                    {
                        await SseClient.ReadAsync(agents[n], "/v1/agents/three-worker/intents/stream?wait_seconds=30", TimeSpan.FromSeconds(40), m =>
                        {
                            if (m.Id is not null) last = m.Id;
                            if (m.Event != "intent.delivered") return stop.IsCancellationRequested;
                            var id = JsonNode.Parse(m.Data!)!["intent_id"].Str();
                            _ = CallAsync(agents, n, a => a.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { by = n } }, "resolve-" + id),
                                TimeSpan.FromSeconds(120)).ContinueWith(t => { if (t.IsCompletedSuccessfully) resolvedBy.AddOrUpdate(id, 1, (_, c) => c + 1); });
                            return stop.IsCancellationRequested;
                        }, configure: r => { if (last is not null) r.Headers.Add("Last-Event-ID", last); });
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or OperationCanceledException)
                    {
                        await Task.Delay(200); // its node died: the next node, from the last id it saw
                    }
                }
            }
            var listeners = new[] { ListenAsync(0), ListenAsync(victim) };

            // The clients: create (with a key), then wait for the end by reading the intent, through any node.
            var acknowledged = new ConcurrentDictionary<string, string>(); // idempotency key -> intent id
            var finished = 0;
            var clock = Stopwatch.StartNew();
            TimeSpan? killedAt = null;
            async Task ClientAsync(int c)
            {
                for (var i = c; i < RoundTrips; i += Clients)
                {
                    var key = $"three-{i}";
                    var created = await CallAsync(admins, i, a => a.PostAsync("/v1/intents",
                        new { intent_type = IntentType, to_agent = "three-worker", payload = new { i } }, key), TimeSpan.FromSeconds(120));
                    var id = created.Ok()["intent_id"].Str();
                    Assert.Equal(id, acknowledged.GetOrAdd(key, id));
                    var deadline = DateTime.UtcNow.AddSeconds(120);
                    while (true)
                    {
                        var got = await CallAsync(admins, i + 1, a => a.GetJsonAsync($"/v1/intents/{id}"), TimeSpan.FromSeconds(120));
                        if (got.Ok()["intent"]!["status"].Str() == "COMPLETED") break;
                        if (DateTime.UtcNow > deadline) throw new TimeoutException($"round trip {i} ({id}) did not complete");
                        await Task.Delay(100);
                    }
                    Interlocked.Increment(ref finished);
                }
            }
            var clients = Enumerable.Range(0, Clients).Select(ClientAsync).ToArray();
            await TwoNodeClusterTests.Eventually(() => Task.FromResult(Volatile.Read(ref finished) >= KillAfter), 120);
            var before = Volatile.Read(ref finished);
            await nodes[victim].KillAsync(); // SIGKILL, round trips in flight on all three nodes
            Volatile.Write(ref killed, true);
            killedAt = clock.Elapsed;
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromMinutes(4));
            var recovered = clock.Elapsed - killedAt.Value;
            stop.Cancel();
            output.WriteLine($"{RoundTrips} round trips, {Clients} clients; node {victim} killed after {before}; the rest done {recovered.TotalSeconds:F1} s after the kill");

            // Every acknowledged intent is there, once, finished once.
            Assert.Equal(RoundTrips, acknowledged.Count);
            Assert.Equal(RoundTrips, await TestPostgres.ScalarAsync<long>(db, "SELECT count(*) FROM axme_intents WHERE intent_type = @t", ("t", IntentType)));
            Assert.Equal(RoundTrips, await TestPostgres.ScalarAsync<long>(db,
                "SELECT count(*) FROM axme_intent_events e JOIN axme_intents i USING (service_id, intent_id) WHERE i.intent_type = @t AND e.doc LIKE '%\"intent.completed\"%'",
                ("t", IntentType)));
            foreach (var survivor in new[] { 0, 1 }) Assert.DoesNotContain("Unhandled error", nodes[survivor].Output);
            Assert.True(recovered < TimeSpan.FromMinutes(3), $"took {recovered} after the kill");
        }
        finally
        {
            stop.Cancel();
            foreach (var n in nodes) await n.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }
}
