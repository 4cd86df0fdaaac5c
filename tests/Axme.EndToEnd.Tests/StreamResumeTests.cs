using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.EndToEnd.Tests;

/// <summary>
/// SSE listeners across a node's death (issue 12 item 2): an intent stream and an agent stream are open when the node is
/// killed (-9); while they are away the node restarts and the intent moves on and a new intent is sent; reconnecting
/// with Last-Event-ID (as EventSource and the official clients do) they receive exactly what they missed, once.
/// </summary>
public sealed class StreamResumeTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    /// <summary>Reads one stream into <paramref name="into"/> until it ends or breaks; never throws.</summary>
    private static async Task ListenAsync(HttpClient client, string path, ConcurrentQueue<SseMessage> into, string? lastEventId = null,
        Func<SseMessage, bool>? stopWhen = null)
    {
        try
        {
            await SseClient.ReadAsync(client, path, Window, m => { into.Enqueue(m); return stopWhen?.Invoke(m) ?? false; },
                configure: r => { if (lastEventId is not null) r.Headers.Add("Last-Event-ID", lastEventId); });
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or OperationCanceledException)
        {
            // the node died under the stream
        }
    }

    private static string IntentOf(SseMessage m) => JsonNode.Parse(m.Data!)!["intent_id"].Str();

    [Fact]
    public async Task Listeners_of_a_killed_node_resume_with_Last_Event_ID_after_its_restart_and_miss_nothing()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_resume");
        await using var node = new NodeProcess(db, "resume-test");
        try
        {
            await node.StartAsync();
            var (agent, _, _) = await Tenants.CreateAsync(node, node.CreateClient(), "acme", "resume", "listener");
            const string agentStream = "/v1/agents/listener/intents/stream?wait_seconds=60";
            var first = (await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.resume.v1", to_agent = "listener", payload = new { n = 1 } }))
                .Ok()["intent_id"].Str();

            var intentEvents = new ConcurrentQueue<SseMessage>();
            var agentEvents = new ConcurrentQueue<SseMessage>();
            var intentListener = ListenAsync(agent, $"/v1/intents/{first}/events/stream?since=0&wait_seconds=60", intentEvents);
            var agentListener = ListenAsync(agent, agentStream + "&since=0", agentEvents);
            await Poll.UntilAsync(() => Task.FromResult(agentEvents.Count(m => m.Event == "intent.delivered")), n => n == 1, TimeSpan.FromSeconds(15), "the first delivery");
            await Poll.UntilAsync(() => Task.FromResult(intentEvents.Count(m => m.Event == "intent.delivered")), n => n == 1, TimeSpan.FromSeconds(15),
                "the delivery on the intent's stream");

            await node.KillAsync();
            await Task.WhenAll(intentListener, agentListener).WaitAsync(TimeSpan.FromSeconds(15)); // both broke with the node
            var lastIntentId = intentEvents.Last(m => m.Id is not null).Id!;
            var lastCursor = agentEvents.Last(m => m.Id is not null).Id!;

            // Away: the node comes back, the first intent finishes, a second one is sent.
            await node.StartAsync();
            (await agent.PostAsync($"/v1/intents/{first}/resolve", new { status = "COMPLETED", result = new { ok = true } })).Ok();
            var second = (await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.resume.v1", to_agent = "listener", payload = new { n = 2 } }))
                .Ok()["intent_id"].Str();

            // Back, with the last id each saw (no since): exactly the rest.
            var intentAfter = new ConcurrentQueue<SseMessage>();
            var agentAfter = new ConcurrentQueue<SseMessage>();
            await Task.WhenAll(
                ListenAsync(agent, $"/v1/intents/{first}/events/stream?wait_seconds=60", intentAfter, lastIntentId),
                ListenAsync(agent, agentStream, agentAfter, lastCursor, m => m.Event == "intent.delivered"));

            var seqs = intentEvents.Concat(intentAfter).Where(m => m.Id is not null).Select(m => int.Parse(m.Id!)).ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count), seqs); // every event once, in order, none missed
            Assert.Equal("intent.completed", intentAfter.Last(m => m.Id is not null).Event);
            Assert.All(intentAfter.Where(m => m.Id is not null), m => Assert.True(int.Parse(m.Id!) > int.Parse(lastIntentId)));
            Assert.Equal([first], agentEvents.Where(m => m.Event == "intent.delivered").Select(IntentOf));
            Assert.Equal([second], agentAfter.Where(m => m.Event == "intent.delivered").Select(IntentOf)); // the new one, and only it
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }
}
