using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>The http binding and webhook subscriptions, against real receivers (Kestrel on 127.0.0.1).</summary>
[Collection(NodeCollection.Name)]
public sealed class WebhookTests(NodeFixture f)
{
    private const string Secret = "test-secret-0123456789abcdef";

    /// <summary>An agent in a workspace of its own, registered with the given delivery fields, and its key.</summary>
    private async Task<(HttpClient Client, string Address, JsonObject Registration)> AgentAsync(object delivery)
    {
        var ws = "wh" + Guid.NewGuid().ToString("N")[..8];
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(delivery))!.AsObject();
        body["org_id"] = "hooks";
        body["workspace_id"] = ws;
        body["name"] = "receiver";
        await Tenants.EnsureWorkspaceAsync(f.Admin, "hooks", ws);
        var sa = (await f.Admin.PostAsync("/v1/service-accounts", body.ToJsonString())).Ok();
        var id = sa["service_account"]!["service_account_id"].Str();
        var key = (await f.Admin.PostAsync($"/v1/service-accounts/{id}/keys", new { })).Ok();
        return (f.Node.CreateClient(key["key"]!["token"].Str()), sa["service_account"]!["agent_address"].Str(), sa.Body);
    }

    private static Task<JsonObject> IntentAsync(HttpClient client, string id) =>
        client.GetJsonAsync($"/v1/intents/{id}").ContinueWith(t => t.Result.Ok()["intent"]!.AsObject());

    [Fact]
    public async Task An_http_agent_gets_signed_deliveries_retried_with_backoff_until_a_2xx_and_every_attempt_is_recorded()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, (n, _) => n <= 3 ? 500 : 200);
        var (agent, address, registration) = await AgentAsync(new
        {
            delivery_mode = "http", webhook_url = receiver.BaseUrl + "/hook", webhook_secret = Secret, max_delivery_attempts = 5,
        });
        Assert.Equal("http", registration["agent"]!["delivery_mode"].Str());
        Assert.Equal("****cdef", registration["agent"]!["webhook_secret_hint"].Str());
        Assert.Null(registration["agent"]!["webhook_secret"]); // the caller chose it: never echoed

        var id = (await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.webhook.v1", to_agent = address, payload = new { n = 1 } })).Ok()["intent_id"].Str();
        var intent = await Poll.UntilAsync(() => IntentAsync(agent, id), i => i["status"].Str() != "SUBMITTED", TimeSpan.FromSeconds(30), "the delivery");
        Assert.Equal("DELIVERED", intent["status"].Str());
        Assert.Equal(4, intent["delivery_attempt"]!.GetValue<int>());

        var received = receiver.Received;
        Assert.Equal(4, received.Count);
        Assert.All(received, r => Assert.True(r.SignatureValid, "signature must verify: " + r.Body));
        Assert.All(received, r => Assert.Equal(id, r.Json["intent_id"].Str()));
        Assert.Single(received.Select(r => r.Json["delivery_id"].Str()).Distinct()); // one delivery, redelivered: dedupe by id
        Assert.Equal([1, 2, 3, 4], received.Select(r => r.Json["delivery_attempt"]!.GetValue<int>()));
        Assert.Equal(1, received[0].Json["payload"]!["n"]!.GetValue<int>());
        Assert.Equal("intent.delivered", received[0].Headers["X-AXME-Event-Type"]);
        Assert.Equal(received[0].Json["delivery_id"].Str(), received[0].Headers["X-AXME-Delivery-Id"]);

        var deliveries = (await agent.GetJsonAsync($"/v1/intents/{id}/deliveries")).Ok();
        var d = Assert.Single(deliveries["deliveries"]!.AsArray())!;
        Assert.Equal("delivered", d["status"].Str());
        var attempts = d["attempts"]!.AsArray();
        Assert.Equal([500, 500, 500, 200], attempts.Select(a => a!["status_code"]!.GetValue<int>()));
        Assert.All(attempts.Take(3), a => Assert.Equal("HTTP 500 Internal Server Error", a!["error"].Str()));
        Assert.Null(attempts[3]!["error"]);
        Assert.All(attempts, a => Assert.True(a!["latency_ms"]!.GetValue<double>() >= 0));
        // Backoff: each retry waited longer than nothing (base 200 ms, jitter [d/2, d]).
        var times = attempts.Select(a => DateTimeOffset.Parse(a!["at"].Str())).ToArray();
        for (var i = 1; i < times.Length; i++) Assert.True(times[i] - times[i - 1] >= TimeSpan.FromMilliseconds(90), $"attempt {i + 1} came too early");

        var events = (await agent.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
        Assert.Single(events, e => e!["event_type"].Str() == "intent.delivered");
        (await agent.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { ok = true } })).Ok();
        Assert.Equal("COMPLETED", (await IntentAsync(agent, id))["status"].Str());
        await Task.Delay(500);
        Assert.Equal(4, receiver.Received.Count); // nothing more after the 2xx
        // Every POST counts against the workspace's webhook quota, and its one intent against the intents quota (ADR 029).
        var usage = (await agent.GetJsonAsync("/v1/usage/summary")).Ok()["summary"]!["dimensions"]!;
        Assert.Equal((4L, 1L), (usage["webhook_deliveries_per_day"]!["used"]!.GetValue<long>(), usage["intents_per_day"]!["used"]!.GetValue<long>()));
    }

    [Fact]
    public async Task A_receiver_that_never_succeeds_is_dead_lettered_and_the_intent_fails_with_delivery_failed()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, (_, _) => 503);
        var (agent, address, _) = await AgentAsync(new { delivery_mode = "http", webhook_url = receiver.BaseUrl + "/down", webhook_secret = Secret, max_delivery_attempts = 3 });
        var id = (await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.webhook.v1", to_agent = address })).Ok()["intent_id"].Str();
        var intent = await Poll.UntilAsync(() => IntentAsync(agent, id), i => i["status"].Str() is "FAILED" or "COMPLETED", TimeSpan.FromSeconds(30), "dead-lettering");
        Assert.Equal("FAILED", intent["status"].Str());
        Assert.Equal("delivery_failed", intent["error"]!["code"].Str());
        Assert.Equal(3, receiver.Received.Count);
        var events = (await agent.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
        Assert.Equal("intent.delivery_failed", events[^1]!["event_type"].Str());
        var d = Assert.Single((await agent.GetJsonAsync($"/v1/intents/{id}/deliveries")).Ok()["deliveries"]!.AsArray())!;
        Assert.Equal("dead_lettered", d["status"].Str());
        Assert.Equal(3, d["attempts"]!.AsArray().Count);
    }

    [Fact]
    public async Task Intents_waiting_for_an_agent_go_out_when_it_switches_to_http_and_a_generated_secret_is_shown_once_and_stored_encrypted()
    {
        var (agent, address, _) = await AgentAsync(new { });
        var id = (await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.webhook.v1", to_agent = address })).Ok()["intent_id"].Str();
        await using var receiver = await WebhookReceiver.StartAsync("unused-until-known-0000", (_, _) => 200);
        var configured = (await agent.SendJsonAsync(HttpMethod.Put, "/v1/agents/receiver/delivery", new { delivery_mode = "http", webhook_url = receiver.BaseUrl + "/late" })).Ok();
        var generated = configured["agent"]!["webhook_secret"].Str();
        Assert.StartsWith("whsec_", generated);
        Assert.Null((await agent.GetJsonAsync("/v1/agents/receiver")).Ok()["agent"]!["webhook_secret"]);

        await Poll.UntilAsync(() => IntentAsync(agent, id), i => i["status"].Str() == "DELIVERED", TimeSpan.FromSeconds(20), "the waiting intent's delivery");
        var r = Assert.Single(receiver.Received);
        Assert.True(WebhookReceiver.Verify(generated, System.Text.Encoding.UTF8.GetBytes(r.Body), r.Headers["X-AXME-Signature"], r.Headers["X-AXME-Timestamp"], TimeSpan.FromMinutes(5)));
        Assert.Equal(0L, await TestPostgres.ScalarAsync<long>(f.Database,
            "SELECT count(*) FROM orleansstorage WHERE position(@s in convert_from(payloadbinary, 'UTF8')) > 0", ("s", generated)));
    }

    [Fact]
    public async Task Bad_delivery_settings_get_422_naming_the_field()
    {
        var (agent, _, _) = await AgentAsync(new { });
        (await agent.SendJsonAsync(HttpMethod.Put, "/v1/agents/receiver/delivery", new { delivery_mode = "http" })).Error(HttpStatusCode.UnprocessableEntity);
        var badUrl = await agent.SendJsonAsync(HttpMethod.Put, "/v1/agents/receiver/delivery", new { delivery_mode = "http", webhook_url = "ftp://x.example/hook" });
        badUrl.Error(HttpStatusCode.UnprocessableEntity, "invalid_callback_url");
        Assert.Equal("webhook_url", badUrl.Body["error"]!["details"]!["field"].Str());
        (await agent.SendJsonAsync(HttpMethod.Put, "/v1/agents/receiver/delivery", new { delivery_mode = "http", webhook_url = "https://x.example/h", webhook_secret = "short" }))
            .Error(HttpStatusCode.UnprocessableEntity);
        (await agent.SendJsonAsync(HttpMethod.Put, "/v1/agents/receiver/delivery", new { delivery_mode = "carrier-pigeon" })).Error(HttpStatusCode.UnprocessableEntity, "unsupported_delivery_mode");
        Assert.Equal("stream", (await agent.GetJsonAsync("/v1/agents/receiver")).Ok()["agent"]!["delivery_mode"].Str()); // nothing written
        var ws = "wh" + Guid.NewGuid().ToString("N")[..8];
        await Tenants.EnsureWorkspaceAsync(f.Admin, "hooks", ws);
        (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "hooks", workspace_id = ws, name = "x1", delivery_mode = "http" })).Error(HttpStatusCode.UnprocessableEntity);
        Assert.Empty((await f.Admin.GetJsonAsync($"/v1/service-accounts?org_id=hooks&workspace_id={ws}")).Ok()["service_accounts"]!.AsArray()); // no partial write
    }

    [Fact]
    public async Task A_subscription_created_without_a_secret_gets_one_generated_shown_once_and_its_events_are_signed_with_it()
    {
        var (client, _, _) = await AgentAsync(new { });
        await using var receiver = await WebhookReceiver.StartAsync("not-the-generated-one", (_, _) => 204);
        var url = receiver.BaseUrl + "/generated";
        var created = (await client.PostAsync("/v1/webhooks/subscriptions", new { callback_url = url, event_types = new[] { "custom.*" } })).Ok();
        var secret = created["secret"].Str();
        Assert.StartsWith("whsec_", secret);
        Assert.True(secret.Length >= 40, secret);
        Assert.Equal("****" + secret[^4..], created["subscription"]!["secret_hint"].Str());

        // Shown once: the same upsert again keeps the secret and does not show it; nor does the list.
        var again = (await client.PostAsync("/v1/webhooks/subscriptions", new { callback_url = url, event_types = new[] { "custom.*", "inbox.thread_created" } })).Ok();
        Assert.Null(again["secret"]);
        Assert.Equal(created["subscription"]!["secret_hint"].Str(), again["subscription"]!["secret_hint"].Str());
        Assert.DoesNotContain(secret, (await client.GetJsonAsync("/v1/webhooks/subscriptions")).Body.ToJsonString());

        (await client.PostAsync("/v1/webhooks/events", new { event_type = "custom.generated", source = "tests" })).Ok();
        var got = await Poll.UntilAsync(() => Task.FromResult(receiver.Received), r => r.Count == 1, TimeSpan.FromSeconds(20), "the event delivery");
        var h = got[0].Headers;
        Assert.True(WebhookReceiver.Verify(secret, System.Text.Encoding.UTF8.GetBytes(got[0].Body), h.GetValueOrDefault("X-AXME-Signature"),
            h.GetValueOrDefault("X-AXME-Timestamp"), TimeSpan.FromMinutes(5)), "signed with the generated secret");
        Assert.False(got[0].SignatureValid); // and not with another one

        // Revoked, then created again without a secret: a new one, shown once.
        var id = created["subscription"]!["subscription_id"].Str();
        (await client.SendJsonAsync(HttpMethod.Delete, $"/v1/webhooks/subscriptions/{id}")).Ok();
        var renewed = (await client.PostAsync("/v1/webhooks/subscriptions", new { callback_url = url, event_types = new[] { "custom.*" } })).Ok();
        Assert.StartsWith("whsec_", renewed["secret"].Str());
        Assert.NotEqual(secret, renewed["secret"].Str());
    }

    [Fact]
    public async Task Subscriptions_receive_published_events_signed_with_counters_replay_and_revocation()
    {
        var (client, address, _) = await AgentAsync(new { });
        await using var receiver = await WebhookReceiver.StartAsync(Secret, (_, _) => 204);
        var sub = (await client.PostAsync("/v1/webhooks/subscriptions", new
        {
            callback_url = receiver.BaseUrl + "/events", event_types = new[] { "inbox.thread_created" }, secret = Secret, description = "test",
        })).Ok()["subscription"]!;
        Assert.Equal(address, sub["owner_agent"].Str());
        Assert.Equal("****cdef", sub["secret_hint"].Str());
        Assert.Null(sub["secret"]);
        // Upsert by (owner_agent, callback_url): same id, new event types, secret kept.
        var again = (await client.PostAsync("/v1/webhooks/subscriptions", new { callback_url = receiver.BaseUrl + "/events", event_types = new[] { "inbox.thread_created", "custom.*" } })).Ok()["subscription"]!;
        Assert.Equal(sub["subscription_id"].Str(), again["subscription_id"].Str());
        Assert.Single((await client.GetJsonAsync("/v1/webhooks/subscriptions")).Ok()["subscriptions"]!.AsArray());

        var published = (await client.PostAsync("/v1/webhooks/events", new { event_type = "custom.hello", source = "tests", payload = new { x = 1 } })).Ok();
        Assert.Equal(1, published["queued_deliveries"]!.GetValue<int>());
        var eventId = published["event_id"].Str();
        var done = await Poll.UntilAsync(() => client.GetJsonAsync($"/v1/webhooks/events/{eventId}").ContinueWith(t => t.Result.Ok().Body),
            e => e["delivered"]!.GetValue<int>() == 1, TimeSpan.FromSeconds(20), "the event delivery");
        Assert.Equal(0, done["pending"]!.GetValue<int>());
        Assert.Equal(204, done["deliveries"]![0]!["attempts"]![0]!["status_code"]!.GetValue<int>());
        var got = Assert.Single(receiver.Received);
        Assert.True(got.SignatureValid);
        Assert.Equal("custom.hello", got.Json["event_type"].Str());
        Assert.Equal(1, got.Json["payload"]!["x"]!.GetValue<int>());

        var unmatched = (await client.PostAsync("/v1/webhooks/events", new { event_type = "other.thing", source = "tests" })).Ok();
        Assert.Equal(0, unmatched["queued_deliveries"]!.GetValue<int>());

        var replayed = (await client.PostAsync($"/v1/webhooks/events/{eventId}/replay")).Ok();
        Assert.Equal(1, replayed["queued_deliveries"]!.GetValue<int>());
        Assert.NotNull(replayed["replayed_at"]);
        await Poll.UntilAsync(() => Task.FromResult(receiver.Received.Count), c => c == 2, TimeSpan.FromSeconds(20), "the replayed delivery");
        (await client.PostAsync($"/v1/webhooks/events/{Guid.NewGuid()}/replay")).Error(HttpStatusCode.NotFound);
        (await f.B.PostAsync($"/v1/webhooks/events/{eventId}/replay")).Error(HttpStatusCode.Forbidden);

        (await f.B.SendJsonAsync(HttpMethod.Delete, $"/v1/webhooks/subscriptions/{sub["subscription_id"].Str()}")).Error(HttpStatusCode.Forbidden);
        var revoked = (await client.SendJsonAsync(HttpMethod.Delete, $"/v1/webhooks/subscriptions/{sub["subscription_id"].Str()}")).Ok();
        Assert.NotNull(revoked["revoked_at"]);
        Assert.Empty((await client.GetJsonAsync("/v1/webhooks/subscriptions")).Ok()["subscriptions"]!.AsArray());
        var inactive = (await client.GetJsonAsync("/v1/webhooks/subscriptions?include_inactive=true")).Ok()["subscriptions"]!.AsArray();
        Assert.False(Assert.Single(inactive)!["active"]!.GetValue<bool>());
        Assert.Equal(0, (await client.PostAsync("/v1/webhooks/events", new { event_type = "custom.hello", source = "tests" })).Ok()["queued_deliveries"]!.GetValue<int>());
    }

    [Fact]
    public async Task Intent_lifecycle_events_can_be_subscribed_to()
    {
        var (client, address, _) = await AgentAsync(new { });
        await using var receiver = await WebhookReceiver.StartAsync(Secret, (_, _) => 200);
        (await client.PostAsync("/v1/webhooks/subscriptions", new { callback_url = receiver.BaseUrl + "/life", event_types = new[] { "intent.completed", "intent.created" }, secret = Secret })).Ok();
        // The per-node "any lifecycle subscribers?" cache refreshes within 5 s.
        await Task.Delay(TimeSpan.FromSeconds(5.5));
        var id = (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.lifecycle.v1", to_agent = address })).Ok()["intent_id"].Str();
        (await client.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { done = true } })).Ok();
        var received = await Poll.UntilAsync(() => Task.FromResult(receiver.Received), r => r.Count >= 2, TimeSpan.FromSeconds(20), "lifecycle events");
        Assert.Equal(["intent.completed", "intent.created"], received.Select(r => r.Json["event_type"].Str()).Order());
        Assert.All(received, r => Assert.True(r.SignatureValid));
        Assert.All(received, r => Assert.Equal(id, r.Json["payload"]!["intent_id"].Str()));
        var completed = received.Single(r => r.Json["event_type"].Str() == "intent.completed");
        Assert.True(completed.Json["payload"]!["details"]!["result"]!["done"]!.GetValue<bool>());
        await Task.Delay(500);
        Assert.Equal(2, receiver.Received.Count); // intent.in_progress is not subscribed
    }

    [Fact]
    public async Task Inbox_thread_events_reach_the_owners_subscriptions()
    {
        var (client, address, _) = await AgentAsync(new { delivery_mode = "inbox" });
        await using var receiver = await WebhookReceiver.StartAsync(Secret, (_, _) => 200);
        (await client.PostAsync("/v1/webhooks/subscriptions", new
        {
            callback_url = receiver.BaseUrl + "/inbox", event_types = new[] { "inbox.thread_created", "inbox.reply_received" }, secret = Secret,
        })).Ok();
        var id = (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.inbox.v1", to_agent = address })).Ok()["intent_id"].Str();
        var created = await Poll.UntilAsync(() => Task.FromResult(receiver.Received), r => r.Count >= 1, TimeSpan.FromSeconds(20), "inbox.thread_created");
        var first = Assert.Single(created);
        Assert.True(first.SignatureValid);
        Assert.Equal("inbox.thread_created", first.Json["event_type"].Str());
        Assert.Equal(id, first.Json["payload"]!["intent_id"].Str());
        var threadId = first.Json["payload"]!["thread_id"].Str();

        (await client.PostAsync($"/v1/inbox/{threadId}/reply", new { message = "on it" })).Ok();
        var all = await Poll.UntilAsync(() => Task.FromResult(receiver.Received), r => r.Count >= 2, TimeSpan.FromSeconds(20), "inbox.reply_received");
        Assert.Equal("inbox.reply_received", all[1].Json["event_type"].Str());
        Assert.Equal("on it", all[1].Json["payload"]!["item"]!["details"]!["message"].Str());
        (await client.PostAsync($"/v1/inbox/{threadId}/approve", new { comment = "ok" })).Ok();
        await Task.Delay(700);
        Assert.Equal(2, receiver.Received.Count); // inbox.thread_updated is not subscribed
    }
}
