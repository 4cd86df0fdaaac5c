using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;
using Xunit.Abstractions;

namespace Axme.EndToEnd.Tests;

/// <summary>
/// A rolling restart of a three-node cluster behind a load balancer (issue 12 item 4), under load: each node in turn
/// gets SIGTERM and is started again once it exited. The clients and the agent talk only to the balancer and retry
/// nothing: a stopping node goes unready, serves on while the balancer notices, then ends its SSE windows as usual
/// (NodeDrain), so not one request fails and not one event is missed.
/// </summary>
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private const int Clients = 8;
    private const string IntentType = "intent.test.rolling.v1";

    [Fact]
    public async Task A_rolling_restart_of_three_nodes_behind_a_balancer_fails_no_request_and_every_round_trip_completes()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_rolling");
        var settings = new Dictionary<string, string>
        {
            // Longer than the balancer's check interval (1 s) plus its timeout (2 s).
            ["Axme__Api__DrainDelay"] = "00:00:04",
            ["Axme__Api__SseKeepAlive"] = "00:00:02",
        };
        var nodes = Enumerable.Range(0, 3).Select(_ => new NodeProcess(db, "rolling", settings)).ToArray();
        Balancer? balancer = null;
        try
        {
            foreach (var n in nodes) await n.StartAsync();
            using var admin = nodes[0].CreateClient();
            await TwoNodeClusterTests.Eventually(async () => (await admin.GetJsonAsync("/ready")).Body["checks"]!["active_silos"]!.GetValue<int>() == 3, 60);
            var (_, _, agentKey) = await Tenants.CreateAsync(nodes[0], admin, "default", "default", "roll-worker");
            balancer = await Balancer.StartAsync(nodes);
            using var clientHttp = balancer.CreateClient(nodes[0].AdminKey!);
            using var agentHttp = balancer.CreateClient(agentKey);

            var failures = new ConcurrentQueue<string>();
            void Fail(string what) { failures.Enqueue(what); output.WriteLine("FAILED: " + what); }
            using var stop = new CancellationTokenSource(); // the clients start no more round trips
            using var deaf = new CancellationTokenSource(); // the agent stops listening (once the clients are done)

            // The agent: one listener through the balancer, resuming from its last id; resolves what it is handed.
            var resolving = new ConcurrentBag<Task>();
            var listener = Task.Run(async () =>
            {
                string? last = null;
                while (!deaf.IsCancellationRequested)
                {
                    try
                    {
                        var window = await SseClient.ReadAsync(agentHttp, "/v1/agents/roll-worker/intents/stream?wait_seconds=30", TimeSpan.FromSeconds(60), m =>
                        {
                            if (m.Id is not null) last = m.Id;
                            if (m.Event == "intent.delivered")
                            {
                                var id = JsonNode.Parse(m.Data!)!["intent_id"].Str();
                                resolving.Add(ResolveAsync(agentHttp, id, Fail));
                            }
                            return deaf.IsCancellationRequested;
                        }, configure: r => { if (last is not null) r.Headers.Add("Last-Event-ID", last); });
                        if (window.StatusCode != 200) Fail($"agent stream answered {window.StatusCode}: {window.Raw}");
                        else if (!deaf.IsCancellationRequested && window.Messages.LastOrDefault()?.Event != "stream.timeout")
                            Fail("agent stream ended without stream.timeout");
                    }
                    catch (Exception e) when (!deaf.IsCancellationRequested)
                    {
                        Fail($"agent stream: {e.GetType().Name}: {e.Message}");
                        await Task.Delay(200);
                    }
                    catch (OperationCanceledException)
                    {
                        // the test is over
                    }
                }
            });

            // The clients: create, then follow the intent's event stream (through the balancer) to its end.
            var finished = 0;
            var stopClock = new Stopwatch(); // runs once the clients are told to stop
            var created = new ConcurrentDictionary<string, byte>();
            async Task ClientAsync(int c)
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var r = await Try(() => clientHttp.PostAsync("/v1/intents", new { intent_type = IntentType, to_agent = "roll-worker", payload = new { c, i } }, $"roll-{c}-{i}"));
                    if (r is not { Status: HttpStatusCode.OK }) { Fail($"create: {Describe(r)}"); continue; }
                    var id = r.Body["intent_id"].Str();
                    created[id] = 0;
                    long since = 0;
                    for (var done = false; !done;)
                    {
                        if (stopClock.Elapsed > TimeSpan.FromSeconds(60)) { Fail($"round trip of {id} did not complete"); break; }
                        try
                        {
                            var window = await SseClient.ReadAsync(clientHttp, $"/v1/intents/{id}/events/stream?since={since}&wait_seconds=30", TimeSpan.FromSeconds(60));
                            if (window.StatusCode != 200) { Fail($"intent stream answered {window.StatusCode}: {window.Raw}"); break; }
                            if (window.Messages.LastOrDefault()?.Event != "stream.timeout") { Fail("intent stream ended without stream.timeout"); break; }
                            foreach (var m in window.Messages.Where(m => m.Id is not null)) since = Math.Max(since, long.Parse(m.Id!));
                            done = window.Messages.Any(m => m.Event == "intent.completed");
                        }
                        catch (Exception e)
                        {
                            Fail($"intent stream: {e.GetType().Name}: {e.Message}");
                            break;
                        }
                    }
                    Interlocked.Increment(ref finished);
                }
            }
            var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(() => ClientAsync(c))).ToArray();

            await TwoNodeClusterTests.Eventually(() => Task.FromResult(Volatile.Read(ref finished) >= 40), 120);
            var clock = Stopwatch.StartNew();
            var before = Volatile.Read(ref finished);
            foreach (var node in nodes)
            {
                var stopping = Stopwatch.StartNew();
                Assert.Equal(0, await node.StopAsync(TimeSpan.FromSeconds(60))); // a clean exit, in time
                var stopped = stopping.Elapsed;
                await node.StartAsync();
                output.WriteLine($"node :{node.Port}: stopped in {stopped.TotalSeconds:F1} s, ready again {stopping.Elapsed.TotalSeconds:F1} s after SIGTERM; " +
                    $"{Volatile.Read(ref finished)} round trips done");
                await Task.Delay(TimeSpan.FromSeconds(3)); // the balancer takes it back; the cluster settles
            }
            var during = Volatile.Read(ref finished) - before;
            output.WriteLine($"rolling restart: {clock.Elapsed.TotalSeconds:F0} s, {during} round trips completed during it; " +
                $"{nodes.Sum(n => n.Output.Split("turned away").Length - 1)} grain calls turned away and retried (RejectedCallRetry), " +
                $"{nodes.Sum(n => n.Output.Split("Silo stopping").Length - 1)} mentions of \"Silo stopping\"");
            stop.Cancel();
            stopClock.Start();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromMinutes(2));
            deaf.Cancel();
            await listener.WaitAsync(TimeSpan.FromMinutes(1));
            await Task.WhenAll(resolving).WaitAsync(TimeSpan.FromMinutes(1));

            Assert.Empty(failures);
            Assert.True(during > 0, "round trips went on during the restart");
            // Every intent created is there once and finished once.
            Assert.Equal(created.Count, await TestPostgres.ScalarAsync<long>(db, "SELECT count(*) FROM axme_intents WHERE intent_type = @t", ("t", IntentType)));
            Assert.Equal(created.Count, await TestPostgres.ScalarAsync<long>(db,
                "SELECT count(*) FROM axme_intent_event_list e JOIN axme_intents i USING (service_id, intent_id) WHERE i.intent_type = @t AND e.event ->> 'event_type' = 'intent.completed'",
                ("t", IntentType)));
            foreach (var n in nodes) Assert.DoesNotContain("Unhandled error", n.Output);
        }
        finally
        {
            // What a node answered 503 for, and why (its warning names the exception), for a failed run's diagnosis.
            foreach (var n in nodes)
                foreach (var line in n.Output.Split('\n').Select((l, i) => (l, i)).Where(x => x.l.Contains("answered 503", StringComparison.Ordinal)))
                    output.WriteLine($"node :{n.Port}: {line.l.Trim()}");
            if (balancer is not null) await balancer.DisposeAsync();
            foreach (var n in nodes) await n.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    private static async Task ResolveAsync(HttpClient agent, string id, Action<string> fail)
    {
        var r = await Try(() => agent.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { ok = true } }, "resolve-" + id));
        if (r is not { Status: HttpStatusCode.OK }) fail($"resolve {id}: {Describe(r)}");
    }

    private static async Task<JsonResponse?> Try(Func<Task<JsonResponse>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }
    }

    private static string Describe(JsonResponse? r) => r is null ? "no answer (connection failed)" : $"{(int)r.Status} {r.Body.ToJsonString()}";
}
