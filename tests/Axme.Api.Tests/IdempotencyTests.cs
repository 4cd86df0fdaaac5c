using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

[Collection(NodeCollection.Name)]
public sealed class IdempotencyTests(NodeFixture f)
{
    [Fact]
    public async Task Create_with_the_same_key_and_body_returns_the_original_response_and_one_intent()
    {
        var key = Guid.NewGuid().ToString();
        var first = (await f.A.PostAsync("/v1/intents", idempotencyKey: key,
            rawBody: """{"intent_type":"intent.test.idem.v1","to_agent":"agent://acme/prod/w","payload":{"a":1,"b":[1,2]}}""")).Ok();
        // Same body as parsed JSON: other key order and spacing, 1.0 for 1.
        var replay = (await f.A.PostAsync("/v1/intents", idempotencyKey: key,
            rawBody: """{ "payload": {"b":[1,2], "a":1.0}, "to_agent":"agent://acme/prod/w", "intent_type":"intent.test.idem.v1" }""")).Ok();
        Assert.Equal(first.Text, replay.Text);

        var id = first["intent_id"].Str();
        var events = (await f.A.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
        Assert.Equal(2, events.Count);
        var listed = (await f.A.GetJsonAsync($"/v1/intents?correlation_id={first["correlation_id"].Str()}")).Ok()["intents"]!.AsArray();
        Assert.Single(listed);
    }

    [Fact]
    public async Task Create_with_the_same_key_and_another_body_is_409()
    {
        var key = Guid.NewGuid().ToString();
        (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.idem.v1", to_agent = "agent://acme/prod/w", payload = new { a = 1 } }, key)).Ok();
        (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.idem.v1", to_agent = "agent://acme/prod/w", payload = new { a = 2 } }, key))
            .Error(HttpStatusCode.Conflict, "idempotency_conflict");
    }

    [Fact]
    public async Task The_same_key_used_by_another_caller_is_another_intent()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { intent_type = "intent.test.idem.v1", to_agent = "worker" }; // each caller's own workspace
        var a = (await f.A.PostAsync("/v1/intents", body, key)).Ok()["intent_id"].Str();
        var b = (await f.B.PostAsync("/v1/intents", body, key)).Ok()["intent_id"].Str();
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task Concurrent_creates_with_one_key_create_exactly_one_intent()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { intent_type = "intent.test.race.v1", to_agent = "agent://acme/prod/w", payload = new { n = 1 } };
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => f.A.PostAsync("/v1/intents", body, key)));
        Assert.All(responses, r => r.Ok());
        Assert.Single(responses.Select(r => r.Text).Distinct());
        var id = responses[0]["intent_id"].Str();
        var events = (await f.A.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
        Assert.Equal([1, 2], events.Select(e => e!["seq"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Resolve_replay_with_the_same_key_returns_the_original_200_and_a_new_body_is_409()
    {
        var id = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.idem.v1", to_agent = "agent://acme/prod/w" })).Ok()["intent_id"].Str();
        var key = Guid.NewGuid().ToString();
        var first = (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { ok = 1 } }, key)).Ok();
        var replay = (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { ok = 1 } }, key)).Ok();
        Assert.Equal(first.Text, replay.Text);
        (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { ok = 2 } }, key))
            .Error(HttpStatusCode.Conflict, "idempotency_conflict");
        // Without the key, a second terminal transition is refused.
        (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { ok = 1 } }))
            .Error(HttpStatusCode.Conflict, "intent_already_terminal");
        var events = (await f.A.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
        Assert.Single(events, e => e!["event_type"].Str() == "intent.completed");
    }

    [Fact]
    public async Task Controls_replay_does_not_apply_twice()
    {
        var id = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.idem.v1", to_agent = "agent://acme/prod/w" })).Ok()["intent_id"].Str();
        var key = Guid.NewGuid().ToString();
        var first = (await f.A.PostAsync($"/v1/intents/{id}/controls", new { controls_patch = new { step = 1 } }, key)).Ok();
        var replay = (await f.A.PostAsync($"/v1/intents/{id}/controls", new { controls_patch = new { step = 1 } }, key)).Ok();
        Assert.Equal(first.Text, replay.Text);
        var intent = (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
        Assert.Equal(1, intent["policy_generation"]!.GetValue<int>());
    }

    [Fact]
    public async Task Service_account_and_key_writes_honour_the_key_too()
    {
        var key = Guid.NewGuid().ToString();
        var first = (await f.A.PostAsync("/v1/service-accounts", new { name = "idem-bot" }, key)).Ok();
        var replay = (await f.A.PostAsync("/v1/service-accounts", new { name = "idem-bot" }, key)).Ok();
        Assert.Equal(first.Text, replay.Text);
        (await f.A.PostAsync("/v1/service-accounts", new { name = "other-bot" }, key)).Error(HttpStatusCode.Conflict, "idempotency_conflict");

        var id = first["service_account"]!["service_account_id"].Str();
        var keyKey = Guid.NewGuid().ToString();
        var k1 = (await f.A.PostAsync($"/v1/service-accounts/{id}/keys", new { }, keyKey)).Ok();
        var k2 = (await f.A.PostAsync($"/v1/service-accounts/{id}/keys", new { }, keyKey)).Ok();
        Assert.Equal(k1.Text, k2.Text); // one key, not two
        var account = (await f.A.GetJsonAsync($"/v1/service-accounts/{id}")).Ok()["service_account"]!;
        Assert.Single(account["keys"]!.AsArray());

        var bulkKey = Guid.NewGuid().ToString();
        var b1 = (await f.A.PostAsync("/v1/intents/bulk-cancel", new { older_than_hours = 1000, dry_run = true }, bulkKey)).Ok();
        var b2 = (await f.A.PostAsync("/v1/intents/bulk-cancel", new { older_than_hours = 1000, dry_run = true }, bulkKey)).Ok();
        Assert.Equal(b1.Text, b2.Text);
    }
}
