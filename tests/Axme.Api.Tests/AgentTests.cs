using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

[Collection(NodeCollection.Name)]
public sealed class AgentTests(NodeFixture f)
{
    /// <summary>An agent of its own workspace, so deliveries of other tests never mix in.</summary>
    private async Task<(HttpClient Agent, string Address, string Name)> AgentAsync()
    {
        var ws = "ag" + Guid.NewGuid().ToString("N")[..8];
        var (client, address) = await f.TenantAsync("agents", ws, "listener");
        // It takes work from any organization (the tests send from workspace A): its own receive override (ADR 017).
        (await client.SendJsonAsync(HttpMethod.Put, "/v1/agents/listener/receive-override", new { override_type = "open" })).Ok();
        return (client, address, "listener");
    }

    [Fact]
    public async Task Agents_are_listed_and_resolved_by_bare_name_or_full_address_with_canonical_addresses()
    {
        var (agent, address, name) = await AgentAsync();
        var list = (await agent.GetJsonAsync("/v1/agents")).Ok()["agents"]!.AsArray();
        Assert.Equal(address, Assert.Single(list)!["address"].Str());
        var byName = (await agent.GetJsonAsync($"/v1/agents/{name}")).Ok()["agent"]!;
        Assert.Equal(address, byName["address"].Str());
        Assert.Equal(name, byName["service_account_name"].Str());
        var byAddress = (await agent.GetJsonAsync("/v1/agents/" + address["agent://".Length..])).Ok()["agent"]!;
        Assert.Equal(address, byAddress["address"].Str());
        (await agent.GetJsonAsync("/v1/agents/nobody-here")).Error(HttpStatusCode.NotFound, "agent_not_found");
        (await f.B.GetJsonAsync("/v1/agents/" + address["agent://".Length..])).Error(HttpStatusCode.Forbidden);
        var stream = await SseClient.ReadAsync(f.B, "/v1/agents/" + address["agent://".Length..] + "/intents/stream?wait_seconds=1", TimeSpan.FromSeconds(10));
        Assert.Equal(403, stream.StatusCode);
    }

    [Fact]
    public async Task More_intents_than_one_read_holds_are_each_handed_out_once_in_cursor_order_in_one_window()
    {
        // 450 waiting intents: three reads of at most 200. Their DELIVERED is not written yet when the next read comes
        // (docs/adr/031), so those rows are still SUBMITTED, which a read returns whatever the cursor: the stream
        // leaves out what it read in this wake-up, and hands out every intent once.
        var (agent, _, name) = await AgentAsync();
        var ids = new List<string>();
        for (var i = 0; i < 450; i++)
            ids.Add((await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.deliver.v1", to_agent = name, payload = new { i } })).Ok()["intent_id"].Str());

        var sse = await SseClient.ReadAsync(agent, $"/v1/agents/{name}/intents/stream?since=0&wait_seconds=2", TimeSpan.FromSeconds(30));

        var deliveries = sse.Messages.Where(m => m.Event == "intent.delivered").ToList();
        Assert.Equal(ids, deliveries.Select(m => JsonNode.Parse(m.Data!)!["intent_id"].Str()));
        var cursors = deliveries.Select(m => long.Parse(m.Id!)).ToList();
        Assert.Equal(cursors.Order(), cursors);
    }

    [Fact]
    public async Task Intents_sent_before_anyone_listens_are_delivered_at_the_first_listen_as_DELIVERED()
    {
        var (agent, address, name) = await AgentAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add((await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.deliver.v1", to_agent = name, payload = new { i } })).Ok()["intent_id"].Str());
        Assert.Equal(address, (await agent.GetJsonAsync($"/v1/intents/{ids[0]}")).Ok()["intent"]!["to_agent"].Str());

        var sse = await SseClient.ReadAsync(agent, $"/v1/agents/{name}/intents/stream?since=0&wait_seconds=1", TimeSpan.FromSeconds(10));
        var deliveries = sse.Messages.Where(m => m.Event == "intent.delivered").ToList();
        Assert.Equal(ids, deliveries.Select(m => JsonNode.Parse(m.Data!)!["intent_id"].Str()));
        foreach (var m in deliveries)
        {
            var data = JsonNode.Parse(m.Data!)!;
            Assert.Equal("DELIVERED", data["status"].Str());
            Assert.Equal(m.Id, data["seq"]!.GetValue<long>().ToString());
            Assert.NotNull(data["payload"]);
        }
        var cursors = deliveries.Select(m => long.Parse(m.Id!)).ToList();
        Assert.Equal(cursors.Order(), cursors);
        Assert.Equal("stream.timeout", sse.Messages[^1].Event);
        Assert.Equal(cursors[^1], JsonNode.Parse(sse.Messages[^1].Data!)!["next_seq"]!.GetValue<long>());

        var events = (await agent.GetJsonAsync($"/v1/intents/{ids[0]}/events")).Ok()["events"]!.AsArray();
        Assert.Equal("intent.delivered", events[^1]!["event_type"].Str());
        Assert.Equal("DELIVERED", (await agent.GetJsonAsync($"/v1/intents/{ids[0]}")).Ok()["intent"]!["status"].Str());

        // Resuming from the last cursor sends nothing again; a finished intent leaves the default filter.
        (await agent.PostAsync($"/v1/intents/{ids[0]}/resolve", new { status = "COMPLETED" })).Ok();
        var again = await SseClient.ReadAsync(agent, $"/v1/agents/{name}/intents/stream?since={cursors[^1]}&wait_seconds=1", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(again.Messages, m => m.Event == "intent.delivered");
        var all = await SseClient.ReadAsync(agent, $"/v1/agents/{name}/intents/stream?since=0&wait_seconds=1", TimeSpan.FromSeconds(10));
        Assert.Equal(ids.Skip(1), all.Messages.Where(m => m.Event == "intent.delivered").Select(m => JsonNode.Parse(m.Data!)!["intent_id"].Str()));
    }

    [Fact]
    public async Task A_listener_gets_new_intents_pushed_and_a_reconnect_with_its_cursor_misses_nothing()
    {
        var (agent, _, name) = await AgentAsync();
        var received = new List<string>();
        long cursor = 0;
        var sentIds = new List<string>();
        // Three short windows; intents are sent while a window is open and between windows.
        for (var round = 0; round < 3; round++)
        {
            var opened = new TaskCompletionSource();
            var clock = new Stopwatch();
            var reading = SseClient.ReadAsync(agent, $"/v1/agents/{name}/intents/stream?since={cursor}&wait_seconds=3", TimeSpan.FromSeconds(15),
                onOpen: () => opened.TrySetResult());
            await opened.Task.WaitAsync(TimeSpan.FromSeconds(10));
            clock.Start();
            var id = (await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.push.v1", to_agent = name, payload = new { round } })).Ok()["intent_id"].Str();
            sentIds.Add(id);
            var sse = await reading;
            var pushed = sse.Messages.Where(m => m.Event == "intent.delivered").ToList();
            var mine = pushed.Single(m => JsonNode.Parse(m.Data!)!["intent_id"].Str() == id);
            Assert.True(mine.At < sse.Elapsed, "pushed before the window closed");
            received.AddRange(pushed.Select(m => JsonNode.Parse(m.Data!)!["intent_id"].Str()));
            cursor = JsonNode.Parse(sse.Messages[^1].Data!)!["next_seq"]!.GetValue<long>();
            // Sent while nobody listens: must come with the next window.
            sentIds.Add((await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.push.v1", to_agent = name, payload = new { round, gap = true } })).Ok()["intent_id"].Str());
        }
        var last = await SseClient.ReadAsync(agent, $"/v1/agents/{name}/intents/stream?since={cursor}&wait_seconds=1", TimeSpan.FromSeconds(10));
        received.AddRange(last.Messages.Where(m => m.Event == "intent.delivered").Select(m => JsonNode.Parse(m.Data!)!["intent_id"].Str()));
        Assert.Equal(sentIds.Order(), received.Distinct().Order());
    }

    [Fact]
    public async Task A_wake_up_for_one_intent_sends_it_at_the_cursor_it_carries_without_reading_the_rows()
    {
        var (agent, _, name) = await AgentAsync();
        var carried = async () => PrometheusText.Sample(await f.Admin.GetStringAsync("/metrics"), "axme_streams_deliveries_carried_total") ?? 0;
        var before = await carried();
        var opened = new TaskCompletionSource();
        var reading = SseClient.ReadAsync(agent, $"/v1/agents/{name}/intents/stream?since=0&wait_seconds=3", TimeSpan.FromSeconds(15),
            onOpen: () => opened.TrySetResult());
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var id = (await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.carried.v1", to_agent = name, payload = new { n = 1 } })).Ok()["intent_id"].Str();
        var sse = await reading;

        var pushed = Assert.Single(sse.Messages, m => m.Event == "intent.delivered");
        var data = JsonNode.Parse(pushed.Data!)!;
        Assert.Equal(id, data["intent_id"].Str());
        Assert.Equal("DELIVERED", data["status"].Str());
        Assert.Equal(1, data["payload"]!["n"]!.GetValue<int>());
        Assert.Equal(pushed.Id, data["seq"]!.GetValue<long>().ToString());
        Assert.Equal(pushed.Id, JsonNode.Parse(sse.Messages[^1].Data!)!["next_seq"]!.GetValue<long>().ToString());
        // The wake-up's cursor is the row's: a stream reading the rows from before it sends it at the same one.
        var read = await SseClient.ReadAsync(agent, $"/v1/agents/{name}/intents/stream?since=0&wait_seconds=1", TimeSpan.FromSeconds(10));
        Assert.Equal(pushed.Id, Assert.Single(read.Messages, m => m.Event == "intent.delivered").Id);
        // Sent from the wake-up, not from a read of the rows (docs/adr/040).
        Assert.True(await carried() > before, "the delivery was sent at the cursor its wake-up carried");
    }

    [Fact]
    public async Task A_burst_of_wake_ups_sends_each_intent_once_at_its_rows_cursor()
    {
        var (agent, _, name) = await AgentAsync();
        var opened = new TaskCompletionSource();
        var reading = SseClient.ReadAsync(agent, $"/v1/agents/{name}/intents/stream?since=0&wait_seconds=4", TimeSpan.FromSeconds(20),
            onOpen: () => opened.TrySetResult());
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // Created at once: their wake-ups come while the stream marks and sends the first ones (docs/adr/042).
        var ids = await Task.WhenAll(Enumerable.Range(0, 24).Select(async n =>
            (await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.burst.v1", to_agent = name, payload = new { n } })).Ok()["intent_id"].Str()));
        var sse = await reading;

        var pushed = sse.Messages.Where(m => m.Event == "intent.delivered").ToList();
        Assert.Equal(ids.Order(), pushed.Select(m => JsonNode.Parse(m.Data!)!["intent_id"].Str()).Order()); // each once
        Assert.All(pushed, m => Assert.Equal("DELIVERED", JsonNode.Parse(m.Data!)!["status"].Str()));
        // Every one at its row's cursor: a stream reading the rows from the start sends the same ids.
        var read = await SseClient.ReadAsync(agent, $"/v1/agents/{name}/intents/stream?since=0&wait_seconds=1", TimeSpan.FromSeconds(10));
        var cursors = read.Messages.Where(m => m.Event == "intent.delivered").ToDictionary(m => JsonNode.Parse(m.Data!)!["intent_id"].Str(), m => m.Id);
        Assert.All(pushed, m => Assert.Equal(cursors[JsonNode.Parse(m.Data!)!["intent_id"].Str()], m.Id));
        // The window's end gives the highest cursor sent.
        Assert.Equal(pushed.Max(m => long.Parse(m.Id!)), JsonNode.Parse(sse.Messages[^1].Data!)!["next_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task Delivery_settings_are_changed_through_the_delivery_endpoint_and_validated()
    {
        var (agent, _, name) = await AgentAsync();
        var set = (await agent.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}/delivery", new { delivery_mode = "poll", lease_seconds = 2, max_delivery_attempts = 3 })).Ok()["agent"]!;
        Assert.Equal("poll", set["delivery_mode"].Str());
        Assert.Equal(2, set["lease_seconds"]!.GetValue<int>());
        Assert.Equal(3, (await agent.GetJsonAsync($"/v1/agents/{name}")).Ok()["agent"]!["max_delivery_attempts"]!.GetValue<int>());
        (await agent.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}/delivery", new { delivery_mode = "carrier-pigeon" }))
            .Error(HttpStatusCode.UnprocessableEntity, "unsupported_delivery_mode");
        (await agent.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}/delivery", new { lease_seconds = 0 })).Error(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_leased_delivery_is_hidden_from_other_pollers_and_comes_back_when_the_lease_expires()
    {
        var (agent, _, name) = await AgentAsync();
        (await agent.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}/delivery", new { delivery_mode = "poll", lease_seconds = 2 })).Ok();
        var id = (await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.poll.v1", to_agent = name })).Ok()["intent_id"].Str();

        var first = (await agent.PostAsync($"/v1/agents/{name}/intents/lease", new { max = 5 })).Ok()["deliveries"]!.AsArray();
        var d = Assert.Single(first)!;
        Assert.Equal(id, d["intent_id"].Str());
        Assert.Equal(1, d["delivery_attempt"]!.GetValue<int>());
        Assert.Equal("DELIVERED", d["intent"]!["status"].Str());
        Assert.Empty((await agent.PostAsync($"/v1/agents/{name}/intents/lease", new { max = 5 })).Ok()["deliveries"]!.AsArray());

        // The poller dies without acknowledging: after the lease the delivery returns, as attempt 2.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var again = Assert.Single((await agent.PostAsync($"/v1/agents/{name}/intents/lease", new { })).Ok()["deliveries"]!.AsArray())!;
        Assert.Equal(id, again["intent_id"].Str());
        Assert.Equal(2, again["delivery_attempt"]!.GetValue<int>());
        Assert.Equal(d["delivery_id"].Str(), again["delivery_id"].Str()); // one delivery, redelivered: handlers dedupe by id

        // Acknowledged: never handed out again.
        var ack = (await agent.PostAsync($"/v1/intents/{id}/acknowledge")).Ok();
        Assert.Equal("ACKNOWLEDGED", ack["intent"]!["status"].Str());
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Empty((await agent.PostAsync($"/v1/agents/{name}/intents/lease", new { })).Ok()["deliveries"]!.AsArray());
        (await agent.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED" })).Ok();
    }

    [Fact]
    public async Task A_delivery_never_acknowledged_fails_with_delivery_failed_after_max_attempts()
    {
        var (agent, _, name) = await AgentAsync();
        (await agent.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}/delivery", new { delivery_mode = "poll", lease_seconds = 1, max_delivery_attempts = 2 })).Ok();
        var id = (await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.poll.v1", to_agent = name })).Ok()["intent_id"].Str();
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Assert.Single((await agent.PostAsync($"/v1/agents/{name}/intents/lease", new { })).Ok()["deliveries"]!.AsArray());
            await Task.Delay(TimeSpan.FromSeconds(1.3));
        }
        Assert.Empty((await agent.PostAsync($"/v1/agents/{name}/intents/lease", new { })).Ok()["deliveries"]!.AsArray());
        var intent = (await agent.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
        Assert.Equal("FAILED", intent["status"].Str());
        Assert.Equal("delivery_failed", intent["error"]!["code"].Str());
        var last = (await agent.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray()[^1]!;
        Assert.Equal("intent.delivery_failed", last["event_type"].Str());
        Assert.Equal("2", last["details"]!["delivery_attempt"].Str());
    }

    [Fact]
    public async Task Two_concurrent_pollers_never_get_the_same_delivery()
    {
        var (agent, _, name) = await AgentAsync();
        (await agent.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}/delivery", new { delivery_mode = "poll", lease_seconds = 60 })).Ok();
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
            ids.Add((await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.poll.v1", to_agent = name, payload = new { i } })).Ok()["intent_id"].Str());
        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => agent.PostAsync($"/v1/agents/{name}/intents/lease", new { max = 4 })));
        var got = batches.SelectMany(b => b.Ok()["deliveries"]!.AsArray().Select(x => x!["intent_id"].Str())).ToList();
        Assert.Equal(got.Count, got.Distinct().Count());
        Assert.Equal(ids.Order(), got.Order());
    }

    [Fact]
    public async Task Only_the_handler_the_sender_or_an_admin_may_finish_an_intent_and_a_handler_elsewhere_may_read_it()
    {
        var ws = "auth" + Guid.NewGuid().ToString("N")[..8];
        var (sender, _) = await f.TenantAsync("authz", ws, "sender");
        var (handler, handlerAddress) = await f.TenantAsync("authz", ws, "handler");
        var (bystander, _) = await f.TenantAsync("authz", ws, "bystander");

        var id = (await sender.PostAsync("/v1/intents", new { intent_type = "intent.test.authz.v1", to_agent = "handler" })).Ok()["intent_id"].Str();
        (await bystander.GetJsonAsync($"/v1/intents/{id}")).Ok(); // same workspace may read
        (await bystander.PostAsync($"/v1/intents/{id}/resolve", new { status = "CANCELED", reason = "not mine" }))
            .Error(HttpStatusCode.Forbidden, "not_handler_or_sender");
        (await bystander.PostAsync($"/v1/intents/{id}/controls", new { controls_patch = new { a = 1 } })).Error(HttpStatusCode.Forbidden);
        Assert.Equal(0, (await bystander.PostAsync("/v1/intents/bulk-cancel", new { older_than_hours = 0, dry_run = true })).Ok()["would_cancel"]!.GetValue<int>());
        (await handler.PostAsync($"/v1/intents/{id}/resume", new { outcome = "success", result = new { ok = true } })).Ok();

        // An agent in another workspace addressed by its full address reads and finishes what it is sent.
        var (outsider, _) = await f.TenantAsync("authz-other", ws, "outsider");
        (await handler.SendJsonAsync(HttpMethod.Put, "/v1/agents/handler/receive-override", new { override_type = "allowlist" })).Ok();
        (await handler.PostAsync("/v1/agents/handler/receive-override/entries", new { sender_pattern = $"agent://authz-other/{ws}/*" })).Ok();
        var cross = (await outsider.PostAsync("/v1/intents", new { intent_type = "intent.test.authz.v1", to_agent = handlerAddress })).Ok()["intent_id"].Str();
        (await handler.GetJsonAsync($"/v1/intents/{cross}")).Ok();
        (await bystander.GetJsonAsync($"/v1/intents/{cross}")).Error(HttpStatusCode.Forbidden);
        var sse = await SseClient.ReadAsync(handler, "/v1/agents/handler/intents/stream?since=0&wait_seconds=1", TimeSpan.FromSeconds(10));
        Assert.Contains(sse.Messages, m => m.Data?.Contains(cross) == true);
        (await handler.PostAsync($"/v1/intents/{cross}/resolve", new { status = "COMPLETED" })).Ok();
    }

    [Fact]
    public async Task A_handler_reports_progress_and_finishes_with_resume_as_its_own_owner_agent()
    {
        var (agent, address, name) = await AgentAsync();
        var id = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.progress.v1", to_agent = address })).Ok()["intent_id"].Str();

        var first = (await agent.PostAsync($"/v1/intents/{id}/progress", new { message = "halfway", percent = 50 })).Ok();
        Assert.Equal("IN_PROGRESS", first["intent"]!["status"].Str());
        (await agent.PostAsync($"/v1/intents/{id}/progress", new { percent = 90, details = new { step = "upload" } })).Ok();
        (await agent.PostAsync($"/v1/intents/{id}/progress", new { percent = 150 })).Error(HttpStatusCode.UnprocessableEntity);
        (await f.B.PostAsync($"/v1/intents/{id}/progress", new { percent = 1 })).Error(HttpStatusCode.Forbidden);
        var events = (await agent.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
        var progress = events.Where(e => e!["event_type"].Str() == "intent.in_progress").ToArray();
        Assert.Equal(2, progress.Length);
        Assert.Equal("halfway", progress[0]!["details"]!["progress"]!["message"].Str());
        Assert.Equal("upload", progress[1]!["details"]!["progress"]!["details"]!["step"].Str());
        Assert.All(progress, e => Assert.Equal(address, e!["actor"].Str()));

        // owner_agent (§2.8): the agent may name itself, bare; not another agent; query and header must agree.
        (await agent.PostAsync($"/v1/intents/{id}/resume?owner_agent=someone-else", new { result = new { ok = true } })).Error(HttpStatusCode.Forbidden);
        using (var mismatch = new HttpRequestMessage(HttpMethod.Post, $"/v1/intents/{id}/resume?owner_agent={name}"))
        {
            mismatch.Headers.Add("x-owner-agent", "other");
            mismatch.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.BadRequest, (await agent.SendAsync(mismatch)).StatusCode);
        }
        var done = (await agent.PostAsync($"/v1/intents/{id}/resume?owner_agent={name}", new { outcome = "success", result = new { ok = true } })).Ok();
        Assert.Equal("COMPLETED", done["intent"]!["status"].Str());
        (await agent.PostAsync($"/v1/intents/{id}/progress", new { percent = 100 })).Error(HttpStatusCode.Conflict, "intent_already_terminal");
    }
}
