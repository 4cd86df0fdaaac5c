using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Axme.Client.Tests;

/// <summary>The SDK against a real node: send/wait, listen/resume, observe across reconnects, tasks, errors, retries.</summary>
[Collection(NodeCollection.Name)]
public sealed partial class ClientTests(NodeFixture f)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Send_then_wait_for_returns_the_result_the_agent_resolved_with()
    {
        var ws = NodeFixture.NewWorkspace();
        var (client, _) = await f.ClientAsync(ws, "requester");
        var (agent, generator) = await f.ClientAsync(ws, "generator");
        var payload = new JsonObject { ["prompt"] = "hello" };

        // The seed's example, as written.
        var intent = await client.SendIntentAsync(generator, payload);
        var waiting = client.WaitForAsync(intent.IntentId);
        Assert.Equal("intent.ask.v1", (await client.GetIntentAsync(intent.IntentId)).IntentType);
        // Nothing answers yet: the wait must still be waiting (it would end this window early if it were not).
        await Task.WhenAny(waiting, Task.Delay(300));
        Assert.False(waiting.IsCompleted);
        await agent.ResolveIntentAsync(intent.IntentId, "COMPLETED", new { text = "hi there" });
        var result = await waiting.WaitAsync(Limit);

        Assert.Equal(intent.IntentId, result.IntentId);
        Assert.Equal("COMPLETED", result.Status);
        Assert.True(result.IsTerminal);
        Assert.Equal("hi there", result.Result!["text"]!.GetValue<string>());
        Assert.Equal("hello", result.Payload!["prompt"]!.GetValue<string>());
        Assert.Equal(generator, result.ToAgent);
    }

    [Fact]
    public async Task Wait_for_times_out_with_a_TimeoutException_while_the_intent_is_open()
    {
        var ws = NodeFixture.NewWorkspace();
        var (client, _) = await f.ClientAsync(ws, "requester");
        var intent = await client.SendIntentAsync("nobody", new { n = 1 });
        await Assert.ThrowsAsync<TimeoutException>(() => client.WaitForAsync(intent.IntentId, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task An_agent_listening_with_the_SDK_resumes_each_delivery_once_across_stream_windows_and_wait_for_sees_COMPLETED()
    {
        var ws = NodeFixture.NewWorkspace();
        var (client, _) = await f.ClientAsync(ws, "requester");
        var agentHook = new HookHandler((_, send) => send());
        var (agent, worker) = await f.ClientAsync(ws, "worker", o => o.StreamWaitSeconds = 1, agentHook);
        using var stop = new CancellationTokenSource(Limit);
        var deliveries = new List<AgentDelivery>();
        var listener = Task.Run(async () =>
        {
            await foreach (var d in agent.ListenAsync(worker, 0, stop.Token))
            {
                lock (deliveries) deliveries.Add(d);
                var n = d.Payload!["n"]!.GetValue<int>();
                await agent.ResumeIntentAsync(d.IntentId, new { result = new { doubled = n * 2 } }, ct: stop.Token);
            }
        });

        var first = await client.SendIntentAsync(worker, new { n = 1 }, new SendIntentOptions { IntentType = "sdk.test.double.v1" });
        var firstDone = await client.WaitForAsync(first.IntentId, Limit);
        // The next delivery arrives on a reconnected stream: wait until the listener's 1 s window ended and it came back.
        var streamsSoFar = Streams(agentHook, "/intents/stream");
        await UntilAsync(() => Streams(agentHook, "/intents/stream") > streamsSoFar, "the agent's stream to reconnect");
        var second = await client.SendIntentAsync(worker, new { n = 21 }, new SendIntentOptions { IntentType = "sdk.test.double.v1" });
        var secondDone = await client.WaitForAsync(second.IntentId, Limit);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listener);

        Assert.Equal("COMPLETED", firstDone.Status);
        Assert.Equal(2, firstDone.Result!["doubled"]!.GetValue<int>());
        Assert.Equal("COMPLETED", secondDone.Status);
        Assert.Equal(42, secondDone.Result!["doubled"]!.GetValue<int>());
        Assert.Equal([first.IntentId, second.IntentId], deliveries.Select(d => d.IntentId));
        Assert.True(deliveries[1].Seq > deliveries[0].Seq);
        Assert.All(deliveries, d => Assert.Equal("DELIVERED", d.Status));
        Assert.Equal("sdk.test.double.v1", deliveries[0].IntentType);
    }

    /// <summary>How many requests the client made to a path ending so (a stream window, a poll).</summary>
    private static int Streams(HookHandler hook, string pathEnd) => hook.Requests.Count(r => r.Path.EndsWith(pathEnd, StringComparison.Ordinal));

    private static Task UntilAsync(Func<bool> condition, string what) =>
        Axme.Testing.Poll.UntilAsync(() => Task.FromResult(condition()), done => done, Limit, what);

    /// <summary>Events seq 1..n, each once, the last terminal.</summary>
    private static void AssertContiguous(IReadOnlyList<IntentEvent> events, int atLeast)
    {
        Assert.True(events.Count >= atLeast, $"only {events.Count} events");
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e.Seq));
        Assert.True(events[^1].IsTerminal);
        Assert.Equal("COMPLETED", events[^1].Status);
        Assert.DoesNotContain(events.SkipLast(1), e => e.IsTerminal);
    }

    private static async Task<List<IntentEvent>> CollectAsync(IAsyncEnumerable<IntentEvent> events)
    {
        var list = new List<IntentEvent>();
        await foreach (var e in events) list.Add(e);
        return list;
    }

    [Fact]
    public async Task Observe_resumes_from_the_last_seq_when_the_server_ends_its_windows_and_misses_nothing()
    {
        var ws = NodeFixture.NewWorkspace();
        var hook = new HookHandler((_, send) => send());
        var (client, _) = await f.ClientAsync(ws, "requester", o => o.StreamWaitSeconds = 1, hook);
        var (agent, worker) = await f.ClientAsync(ws, "worker");
        var intent = await client.SendIntentAsync(worker, new { n = 1 });
        using var stop = new CancellationTokenSource(Limit);
        var observing = CollectAsync(client.ObserveAsync(intent.IntentId, 0, stop.Token));
        for (var i = 1; i <= 4; i++)
        {
            // Each progress event on a stream window of its own (1 s windows): after the observer's next reconnect.
            var windows = Streams(hook, "/events/stream");
            await UntilAsync(() => Streams(hook, "/events/stream") > windows, "the observer's next stream window");
            await agent.ProgressAsync(intent.IntentId, $"step {i}", i * 20);
        }
        await agent.ResolveIntentAsync(intent.IntentId, "COMPLETED", new { ok = true });
        var events = await observing.WaitAsync(Limit);

        AssertContiguous(events, 6);
        Assert.Equal(4, events.Count(e => e.EventType == "intent.in_progress"));
        Assert.True(hook.Requests.Count(r => r.Path.EndsWith("/events/stream")) >= 3, "the 1 s windows should have forced reconnects");
    }

    [Fact]
    public async Task Observe_resumes_after_a_dropped_connection_without_repeating_or_missing_events()
    {
        var ws = NodeFixture.NewWorkspace();
        var streams = 0;
        var hook = new HookHandler(async (request, send) =>
        {
            var response = await send();
            if (!request.RequestUri!.AbsolutePath.EndsWith("/events/stream") || Interlocked.Increment(ref streams) != 1) return response;
            // The first connection breaks after two messages.
            var cut = new StreamContent(new CuttingStream(await response.Content.ReadAsStreamAsync(), 2));
            foreach (var h in response.Content.Headers) cut.Headers.TryAddWithoutValidation(h.Key, h.Value);
            response.Content = cut;
            return response;
        });
        var (client, _) = await f.ClientAsync(ws, "requester", handler: hook);
        var (agent, worker) = await f.ClientAsync(ws, "worker");
        var intent = await client.SendIntentAsync(worker, new { n = 1 });
        for (var i = 1; i <= 3; i++) await agent.ProgressAsync(intent.IntentId, $"step {i}");
        using var stop = new CancellationTokenSource(Limit);
        var observing = CollectAsync(client.ObserveAsync(intent.IntentId, 0, stop.Token));
        // Resolved only once the cut connection was replaced, so the terminal event comes on the resumed stream.
        await UntilAsync(() => Volatile.Read(ref streams) >= 2, "the observer to reconnect after the cut");
        await agent.ResolveIntentAsync(intent.IntentId, "COMPLETED", new { ok = true });
        var events = await observing.WaitAsync(Limit);

        AssertContiguous(events, 5);
        var streamRequests = hook.Requests.Where(r => r.Path.EndsWith("/events/stream")).ToList();
        Assert.True(streamRequests.Count >= 2, "the cut should have forced a reconnect");
    }

    [Fact]
    public async Task Observe_falls_back_to_polling_when_the_stream_keeps_failing()
    {
        var ws = NodeFixture.NewWorkspace();
        var hook = new HookHandler((request, send) => request.RequestUri!.AbsolutePath.EndsWith("/events/stream")
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))
            : send());
        var (client, _) = await f.ClientAsync(ws, "requester", o => o.PollInterval = TimeSpan.FromMilliseconds(200), hook);
        var (agent, worker) = await f.ClientAsync(ws, "worker");
        var intent = await client.SendIntentAsync(worker, new { n = 1 });
        using var stop = new CancellationTokenSource(Limit);
        var observing = CollectAsync(client.ObserveAsync(intent.IntentId, 0, stop.Token));
        // Each change after the observer fell back to polling and polled once more.
        await UntilAsync(() => Streams(hook, "/events") >= 1, "the observer to poll");
        await agent.ProgressAsync(intent.IntentId, "halfway", 50);
        var polls = Streams(hook, "/events");
        await UntilAsync(() => Streams(hook, "/events") > polls, "another poll");
        await agent.ResolveIntentAsync(intent.IntentId, "COMPLETED", new { ok = true });
        var events = await observing.WaitAsync(Limit);

        AssertContiguous(events, 3);
        Assert.Equal(client.Options.StreamFailuresBeforePolling, hook.Requests.Count(r => r.Path.EndsWith("/events/stream")));
        Assert.True(hook.Requests.Count(r => r.Path.EndsWith("/events")) >= 2);
    }

    [Fact]
    public async Task A_human_task_is_listed_approved_through_the_SDK_and_an_approval_decided_twice_conflicts()
    {
        var ws = NodeFixture.NewWorkspace();
        var (client, _) = await f.ClientAsync(ws, "requester");
        var task = new SendIntentOptions { IntentType = "sdk.test.approval.v1", HumanTask = new JsonObject { ["title"] = "Ship it?", ["task_type"] = "approval" } };
        var first = await client.SendIntentAsync("approver", new { release = "1.2" }, task);
        var second = await client.SendIntentAsync("approver", new { release = "1.3" }, task);

        var tasks = await client.ListMyTasksAsync();
        Assert.Equal([first.IntentId, second.IntentId], tasks.Select(t => t.IntentId));
        Assert.Equal("Ship it?", tasks[0].HumanTask!["title"]!.GetValue<string>());
        Assert.Equal(first.IntentId, tasks[0].ApprovalId);
        Assert.Equal("WAITING", tasks[0].Status);

        var approved = await client.ApproveAsync(first.IntentId, "looks good");
        Assert.True(approved.Applied);
        var done = await client.WaitForAsync(first.IntentId, Limit);
        Assert.Equal("COMPLETED", done.Status);
        Assert.Equal("approved", done.Result!["outcome"]!.GetValue<string>());

        var decision = await client.DecideApprovalAsync(tasks[1].ApprovalId!, approve: false, comment: "not now");
        Assert.Equal("reject", decision.Decision);
        Assert.Equal(second.IntentId, decision.IntentId);
        var again = await Assert.ThrowsAsync<AxmeConflictException>(() => client.DecideApprovalAsync(second.IntentId, approve: true));
        Assert.Equal("approval_already_decided", again.Code);
        Assert.Empty(await client.ListMyTasksAsync());
    }

    [Fact]
    public async Task Errors_are_typed_by_status_and_carry_the_servers_code_message_and_details()
    {
        var ws = NodeFixture.NewWorkspace();
        var (client, _) = await f.ClientAsync(ws, "requester");

        var missing = await Assert.ThrowsAsync<AxmeNotFoundException>(() => client.GetIntentAsync(Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("intent_not_found", missing.Code);
        Assert.Contains("not found", missing.Message);

        var invalid = await Assert.ThrowsAsync<AxmeValidationException>(() =>
            client.SendIntentAsync("someone", new { n = 1 }, new SendIntentOptions { IntentType = "Not A Type" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        Assert.Equal("validation_error", invalid.Code);
        Assert.Equal("intent_type", invalid.Details!["field"]!.GetValue<string>());

        var badStatus = await Assert.ThrowsAsync<AxmeValidationException>(() =>
            client.ResolveIntentAsync(Guid.NewGuid().ToString(), "DONE"));
        Assert.Equal("invalid_status", badStatus.Code);

        var intent = await client.SendIntentAsync("someone", new { n = 1 });
        await client.ResolveIntentAsync(intent.IntentId, "CANCELED", reason: "test");
        await Assert.ThrowsAsync<AxmeConflictException>(() => client.ResolveIntentAsync(intent.IntentId, "COMPLETED"));

        using var stranger = f.Client("axme_not_a_real_key");
        var auth = await Assert.ThrowsAsync<AxmeAuthException>(() => stranger.ListIntentsAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, auth.StatusCode);
    }
}
