using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;
using Xunit.Abstractions;

namespace Axme.EndToEnd.Tests;

/// <summary>
/// Three nodes, one cluster, faults under load (issue 12 item 4): clients spread over the nodes retry a failed call on
/// another node with the same Idempotency-Key, as the official clients do; the agent listens on two nodes and its
/// stream reconnects with Last-Event-ID. Whatever the fault, nothing acknowledged is lost, no intent is created twice
/// or ends twice, no request is answered 500, and every round trip completes once the cluster has recovered by itself.
/// </summary>
public sealed class ThreeNodeFaultTests(ITestOutputHelper output)
{
    private const int RoundTrips = 300, Clients = 12, FaultAfter = 100;
    private const string IntentType = "intent.test.three.v1";

    [Fact]
    public async Task Kill_9_of_one_of_three_nodes_under_load_loses_nothing_and_every_round_trip_completes_on_the_survivors()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_three");
        var nodes = Enumerable.Range(0, 3).Select(_ => new NodeProcess(db, "three-nodes")).ToArray();
        try
        {
            var run = await LoadAsync(nodes, fault: () => nodes[2].KillAsync(), dead: 2);
            output.WriteLine($"kill -9 of node 2 after {run.Before} round trips; the rest done {run.Recovered.TotalSeconds:F1} s after it");
            await AssertNothingLostAsync(db);
            foreach (var survivor in nodes[..2]) Assert.DoesNotContain("Unhandled error", survivor.Output);
        }
        finally
        {
            foreach (var n in nodes) ReportErrors(n);
            foreach (var n in nodes) await n.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    /// <summary>The error log lines of a node, with what follows them (the exception), for a failed run's diagnosis.</summary>
    private void ReportErrors(NodeProcess node)
    {
        var lines = node.Output.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].StartsWith("fail:", StringComparison.Ordinal) || lines[i].StartsWith("crit:", StringComparison.Ordinal))
                output.WriteLine($"node :{node.Port}: " + string.Join("\n", lines.Skip(i).Take(14)));
    }

    [Fact]
    public async Task A_database_outage_under_load_answers_503_fast_loses_nothing_and_the_cluster_recovers_with_all_three_nodes()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_three_db");
        var (proxy, viaProxy) = FaultProxy.For(db);
        var nodes = Enumerable.Range(0, 3).Select(_ => new NodeProcess(viaProxy, "three-db")).ToArray();
        try
        {
            var run = await LoadAsync(nodes, fault: async () =>
            {
                proxy.Down(); // every connection dropped, new ones refused: PostgreSQL restarting, to the nodes
                await Task.Delay(TimeSpan.FromSeconds(10));
                proxy.Up();
            });
            output.WriteLine($"10 s database outage after {run.Before} round trips; the rest done {run.Recovered.TotalSeconds:F1} s after it began; " +
                $"{run.Refused} calls answered 503, slowest answer {run.SlowestAnswer.TotalSeconds:F1} s");
            await AssertFailedFastAndRecoveredAsync(run, nodes, db, "three-db");
        }
        finally
        {
            foreach (var n in nodes) ReportErrors(n);
            foreach (var n in nodes) await n.DisposeAsync();
            await proxy.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    /// <summary>
    /// After a database fault under load: it was felt, no call hung, nothing was lost, and the three nodes came back by
    /// themselves, none declared dead for the database's absence.
    /// </summary>
    private static async Task AssertFailedFastAndRecoveredAsync(Run run, NodeProcess[] nodes, string db, string clusterId)
    {
        Assert.True(run.Refused > 0, "the outage must have been felt");
        Assert.True(run.SlowestAnswer < TimeSpan.FromSeconds(20), $"a call hung {run.SlowestAnswer} instead of failing fast");
        await AssertNothingLostAsync(db);
        using var admin = nodes[0].CreateClient();
        // (Ready again within seconds: one run saw the management grain's first call after the outage time out.)
        await TwoNodeClusterTests.Eventually(async () => (await admin.GetJsonAsync("/ready")).Body["checks"]?["active_silos"]?.GetValue<int>() == 3, 30);
        Assert.Equal(0L, await TestPostgres.ScalarAsync<long>(db, "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @c AND status <> 3", ("c", clusterId)));
        foreach (var n in nodes) Assert.DoesNotContain("Unhandled error", n.Output);
    }

    [Theory]
    [InlineData("kill -9")] // of the postmaster: no shutdown, no checkpoint, the next start recovers from the WAL
    [InlineData("pg_ctl stop -m fast")] // every session terminated (57P01), then a checkpoint, as a restart does first
    public async Task PostgreSQL_stopped_under_load_and_started_again_loses_nothing_and_the_nodes_recover_by_themselves(string stop)
    {
        await using var pg = await PrivatePostgres.StartAsync();
        var cluster = stop == "kill -9" ? "three-pgkill" : "three-pgrestart";
        var nodes = Enumerable.Range(0, 3).Select(_ => new NodeProcess(pg.ConnectionString, cluster)).ToArray();
        try
        {
            var run = await LoadAsync(nodes, fault: async () =>
            {
                if (stop == "kill -9") pg.KillPostmaster();
                else await pg.StopFastAsync();
                await Task.Delay(TimeSpan.FromSeconds(3));
                await pg.StartAgainAsync();
            });
            output.WriteLine($"PostgreSQL {stop} after {run.Before} round trips, started again 3 s later; the rest done " +
                $"{run.Recovered.TotalSeconds:F1} s after the stop; {run.Refused} calls answered 503, slowest answer {run.SlowestAnswer.TotalSeconds:F1} s");
            await AssertFailedFastAndRecoveredAsync(run, nodes, pg.ConnectionString, cluster);
        }
        finally
        {
            foreach (var n in nodes) ReportErrors(n);
            foreach (var n in nodes) await n.DisposeAsync();
        }
    }

    private sealed record Run(int Before, TimeSpan Recovered, int Refused, TimeSpan SlowestAnswer);

    /// <summary>
    /// Starts the nodes, runs <see cref="RoundTrips"/> round trips (create, the agent resolves, the client reads the end)
    /// and injects <paramref name="fault"/> after <see cref="FaultAfter"/> of them; <paramref name="dead"/> is a node that
    /// stays gone.
    /// </summary>
    private static async Task<Run> LoadAsync(NodeProcess[] nodes, Func<Task> fault, int? dead = null)
    {
        using var stop = new CancellationTokenSource();
        foreach (var n in nodes) await n.StartAsync();
        var admins = nodes.Select(n => Client(n, null)).ToArray();
        await TwoNodeClusterTests.Eventually(async () => (await admins[0].GetJsonAsync("/ready")).Body["checks"]!["active_silos"]!.GetValue<int>() == nodes.Length, 60);
        var (_, _, agentKey) = await Tenants.CreateAsync(nodes[0], admins[0], "default", "default", "three-worker");
        var agents = nodes.Select(n => Client(n, agentKey)).ToArray();
        var gone = false;
        var refused = 0;
        long slowestTicks = 0;

        // One call, retried on the next node on a refusal that says "later" or a dead connection.
        async Task<JsonResponse> CallAsync(HttpClient[] via, int start, Func<HttpClient, Task<JsonResponse>> call)
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            for (var attempt = 0; ; attempt++)
            {
                var i = (start + attempt) % via.Length;
                if (i == dead && Volatile.Read(ref gone)) continue;
                var clock = Stopwatch.StartNew();
                try
                {
                    var r = await call(via[i]);
                    if (r.Status is not HttpStatusCode.ServiceUnavailable) return r;
                    Assert.NotNull(r.Message.Headers.RetryAfter); // every 503 says when to come back
                    Interlocked.Increment(ref refused);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    // that node is gone: the next one
                }
                finally
                {
                    var took = clock.Elapsed.Ticks;
                    for (long seen; took > (seen = Interlocked.Read(ref slowestTicks)) && Interlocked.CompareExchange(ref slowestTicks, took, seen) != seen;) { }
                }
                if (DateTime.UtcNow > deadline) throw new TimeoutException("no node answered in time");
                await Task.Delay(Math.Min(1000, 50 * (attempt + 1)));
            }
        }

        // The agent: listeners on the first and the last node, each resuming from the last id it saw (Last-Event-ID);
        // each resolves what it is handed (idempotently).
        async Task ListenAsync(int home)
        {
            string? last = null;
            for (var n = home; !stop.IsCancellationRequested; n = (n + 1) % nodes.Length)
            {
                if (n == dead && Volatile.Read(ref gone)) continue;
                try
                {
                    await SseClient.ReadAsync(agents[n], "/v1/agents/three-worker/intents/stream?wait_seconds=30", TimeSpan.FromSeconds(40), m =>
                    {
                        if (m.Id is not null) last = m.Id;
                        if (m.Event == "intent.delivered")
                        {
                            var id = JsonNode.Parse(m.Data!)!["intent_id"].Str();
                            _ = CallAsync(agents, n, a => a.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { by = n } }, "resolve-" + id));
                        }
                        return stop.IsCancellationRequested;
                    }, configure: r => { if (last is not null) r.Headers.Add("Last-Event-ID", last); });
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or OperationCanceledException)
                {
                    // its node died or the window broke
                }
                await Task.Delay(200);
            }
        }

        var listeners = new[] { ListenAsync(0), ListenAsync(nodes.Length - 1) };
        var acknowledged = new ConcurrentDictionary<string, string>();
        var finished = 0;
        async Task ClientAsync(int c)
        {
            for (var i = c; i < RoundTrips; i += Clients)
            {
                var key = $"three-{i}";
                var id = (await CallAsync(admins, i, a => a.PostAsync("/v1/intents", new { intent_type = IntentType, to_agent = "three-worker", payload = new { i } }, key)))
                    .Ok()["intent_id"].Str(); // never a 500
                Assert.Equal(id, acknowledged.GetOrAdd(key, id)); // a retried create is the same intent
                var deadline = DateTime.UtcNow.AddSeconds(150);
                while ((await CallAsync(admins, i + 1, a => a.GetJsonAsync($"/v1/intents/{id}"))).Ok()["intent"]!["status"].Str() != "COMPLETED")
                {
                    if (DateTime.UtcNow > deadline) throw new TimeoutException($"round trip {i} ({id}) did not complete");
                    await Task.Delay(100);
                }
                Interlocked.Increment(ref finished);
            }
        }
        var clients = Enumerable.Range(0, Clients).Select(ClientAsync).ToArray();
        await TwoNodeClusterTests.Eventually(() => Task.FromResult(Volatile.Read(ref finished) >= FaultAfter), 120);
        var before = Volatile.Read(ref finished);
        var faultAt = Stopwatch.StartNew();
        if (dead is not null) Volatile.Write(ref gone, true);
        await fault();
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromMinutes(4));
        var recovered = faultAt.Elapsed;
        stop.Cancel();
        Assert.Equal(RoundTrips, acknowledged.Count);
        return new Run(before, recovered, Volatile.Read(ref refused), TimeSpan.FromTicks(Interlocked.Read(ref slowestTicks)));
    }

    private static HttpClient Client(NodeProcess node, string? key)
    {
        var c = node.CreateClient(key);
        c.Timeout = TimeSpan.FromSeconds(30);
        return c;
    }

    /// <summary>Every round trip's intent is there once and finished once.</summary>
    private static async Task AssertNothingLostAsync(string db)
    {
        Assert.Equal(RoundTrips, await TestPostgres.ScalarAsync<long>(db, "SELECT count(*) FROM axme_intents WHERE intent_type = @t", ("t", IntentType)));
        Assert.Equal(RoundTrips, await TestPostgres.ScalarAsync<long>(db,
            "SELECT count(*) FROM axme_intent_event_list e JOIN axme_intents i USING (service_id, intent_id) WHERE i.intent_type = @t AND e.event ->> 'event_type' = 'intent.completed'",
            ("t", IntentType)));
    }
}
