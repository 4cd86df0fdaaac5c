using System.Collections.Concurrent;
using System.Net;
using Axme.Testing;
using Npgsql;

namespace Axme.EndToEnd.Tests;

/// <summary>
/// PostgreSQL going away under a node with group-committed writes in flight. The test server is shared with the other
/// test assemblies, so instead of restarting it the node's own connections are cut (pg_terminate_backend: to the node
/// it is the same as a server restart): the writes of the batches on them fail, the node recovers by itself, and a
/// client that retries with its Idempotency-Key gets exactly one intent.
/// </summary>
public sealed class DatabaseFaultTests
{
    [Fact]
    public async Task Connections_cut_mid_batch_fail_their_writes_the_node_recovers_and_retries_give_one_intent()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_pgcut");
        var database = new NpgsqlConnectionStringBuilder(db).Database!;
        await using var node = new NodeProcess(db, "pgcut-test");
        try
        {
            await node.StartAsync();
            var answered = new ConcurrentDictionary<string, string>(); // idempotency key -> intent id (acknowledged)
            var failed = new ConcurrentBag<string>();                    // keys whose create got a 5xx or no answer
            using var stop = new CancellationTokenSource();

            async Task Worker(int w)
            {
                using var http = node.CreateClient();
                http.Timeout = TimeSpan.FromSeconds(20);
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var key = $"cut-{w}-{i}";
                    try
                    {
                        var created = await http.PostAsync("/v1/intents", Body(w, i), key);
                        if (created.Status == HttpStatusCode.OK) answered[key] = created["intent_id"].Str();
                        else
                        {
                            Assert.True((int)created.Status >= 500, $"{key}: {created.Status} {created.Body}");
                            failed.Add(key);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        failed.Add(key);
                    }
                }
            }

            var workers = Enumerable.Range(0, 32).Select(Worker).ToArray();
            await TwoNodeClusterTests.Eventually(() => Task.FromResult(answered.Count >= 100), 60);
            var cut = 0;
            for (var round = 0; round < 5; round++)
            {
                cut += await TestPostgres.ScalarAsync<int>(TestPostgres.AdminConnectionString, """
                    SELECT count(*)::int FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                                               WHERE datname = @db AND pid <> pg_backend_pid()) t
                    """, ("db", database));
                await Task.Delay(300);
            }
            var before = answered.Count;
            // The node recovers by itself: new writes succeed again without a restart.
            await TwoNodeClusterTests.Eventually(() => Task.FromResult(answered.Count >= before + 100), 60);
            stop.Cancel();
            await Task.WhenAll(workers);
            Assert.True(cut > 0, "no connection of the node was cut");

            using var client = node.CreateClient();
            // Every acknowledged create is there, created once.
            foreach (var (key, id) in answered)
            {
                var events = (await client.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
                Assert.Single(events, e => e!["event_type"].Str() == "intent.created");
            }
            // A failed create retried with its key lands on one intent; the retry of the retry replays it.
            foreach (var key in failed)
            {
                var parts = key.Split('-');
                var retry = (await client.PostAsync("/v1/intents", Body(int.Parse(parts[1]), int.Parse(parts[2])), key)).Ok();
                var again = (await client.PostAsync("/v1/intents", Body(int.Parse(parts[1]), int.Parse(parts[2])), key)).Ok();
                Assert.Equal(retry["intent_id"].Str(), again["intent_id"].Str());
                var events = (await client.GetJsonAsync($"/v1/intents/{retry["intent_id"].Str()}/events")).Ok()["events"]!.AsArray();
                Assert.Single(events, e => e!["event_type"].Str() == "intent.created");
            }
            // No write was cut in half: rows and their events agree.
            Assert.Equal(0, await TestPostgres.ScalarAsync<long>(db, """
                SELECT count(*) FROM axme_intents v
                WHERE v.last_seq <> (SELECT count(*) FROM axme_intent_event_list e WHERE e.service_id = v.service_id AND e.intent_id = v.intent_id)
                """));
            Assert.Equal(answered.Count + failed.Count, answered.Keys.Concat(failed).Distinct().Count());
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    private static object Body(int w, int i) => new
    {
        intent_type = "intent.test.pgcut.v1",
        to_agent = "agent://default/default/worker",
        payload = new { w, i },
    };
}
