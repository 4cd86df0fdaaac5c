using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

[Collection(NodeCollection.Name)]
public sealed class IntentLifecycleTests(NodeFixture f)
{
    private static object NewIntent(string? to = null, object? payload = null) => new
    {
        intent_type = "intent.test.lifecycle.v1",
        to_agent = to ?? "agent://acme/prod/worker",
        payload = payload ?? new { order = 42, note = "hello" },
    };

    private async Task<string> CreateAsync(HttpClient? client = null, object? body = null) =>
        (await (client ?? f.A).PostAsync("/v1/intents", body ?? NewIntent())).Ok()["intent_id"].Str();

    [Fact]
    public async Task Create_returns_submitted_intent_and_get_shows_the_protocol_object()
    {
        var created = (await f.A.PostAsync("/v1/intents", new
        {
            intent_type = "intent.test.create.v1",
            to_agent = "agent://acme/prod/worker",
            payload = new { a = 1 },
            reply_to = "agent://acme/prod/alpha",
            deadline_at = "2099-01-01T00:00:00Z",
            remind_after_seconds = 60,
            max_delivery_attempts = 3,
        })).Ok();
        var id = created["intent_id"].Str();
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal("SUBMITTED", created["status"].Str());
        Assert.True(Guid.TryParse(created["correlation_id"].Str(), out _)); // generated when absent
        Assert.EndsWith("Z", created["created_at"].Str());

        var intent = (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!.AsObject();
        Assert.Equal("SUBMITTED", intent["status"].Str());
        Assert.Equal("SUBMITTED", intent["lifecycle_status"].Str());
        Assert.Equal(f.AgentA, intent["from_agent"].Str());
        Assert.Equal("agent://acme/prod/worker", intent["to_agent"].Str());
        Assert.Equal("agent://acme/prod/alpha", intent["reply_to"].Str());
        Assert.Equal(1, intent["payload"]!["a"]!.GetValue<int>());
        Assert.Equal("2099-01-01T00:00:00.000000Z", intent["deadline_at"].Str());
        Assert.Equal(3, intent["max_delivery_attempts"]!.GetValue<int>());
        Assert.Equal(0, intent["policy_generation"]!.GetValue<int>());
    }

    [Fact]
    public async Task Events_are_ordered_and_since_is_exclusive_with_zero_allowed()
    {
        var id = await CreateAsync();
        var all = (await f.A.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
        Assert.Equal(["intent.created", "intent.submitted"], all.Select(e => e!["event_type"].Str()));
        Assert.Equal([1, 2], all.Select(e => e!["seq"]!.GetValue<int>()));
        var zero = (await f.A.GetJsonAsync($"/v1/intents/{id}/events?since=0")).Ok()["events"]!.AsArray();
        Assert.Equal(2, zero.Count);
        var after1 = (await f.A.GetJsonAsync($"/v1/intents/{id}/events?since=1")).Ok()["events"]!.AsArray();
        Assert.Equal(2, Assert.Single(after1)!["seq"]!.GetValue<int>());
        (await f.A.GetJsonAsync($"/v1/intents/{id}/events?since=-1")).Error(HttpStatusCode.UnprocessableEntity);
        (await f.A.GetJsonAsync($"/v1/intents/{id}/events?since=x")).Error(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Resolve_completes_with_terminal_event_and_a_second_resolve_is_409()
    {
        var id = await CreateAsync();
        var resolved = (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { answer = 42 } })).Ok();
        Assert.Equal("COMPLETED", resolved["intent"]!["status"].Str());
        var ev = resolved["event"]!;
        Assert.Equal("intent.completed", ev["event_type"].Str());
        Assert.Equal("COMPLETED", ev["status"].Str());
        Assert.Equal(4, ev["seq"]!.GetValue<int>()); // created, submitted, in_progress, completed
        Assert.Equal(42, ev["details"]!["result"]!["answer"]!.GetValue<int>());
        Assert.False(resolved["completion_delivery"]!["delivered"]!.GetValue<bool>());
        Assert.Equal(42, resolved["intent"]!["result"]!["answer"]!.GetValue<int>());

        (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "CANCELED", reason = "too late" }))
            .Error(HttpStatusCode.Conflict, "intent_already_terminal");
        var events = (await f.A.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
        Assert.Single(events, e => e!["status"].Str() is "COMPLETED" or "CANCELED" or "FAILED" or "TIMED_OUT");
    }

    [Fact]
    public async Task Resolve_failed_and_canceled_carry_error_and_reason()
    {
        var failed = await CreateAsync();
        var r = (await f.A.PostAsync($"/v1/intents/{failed}/resolve", new { status = "FAILED", error = new { code = "boom", attempts = 3 } })).Ok();
        Assert.Equal("intent.failed", r["event"]!["event_type"].Str());
        Assert.Equal("boom", r["intent"]!["error"]!["code"].Str());

        var canceled = await CreateAsync();
        var c = (await f.A.PostAsync($"/v1/intents/{canceled}/resolve", new { status = "CANCELED", reason = "canceled via axme cli" })).Ok();
        Assert.Equal("intent.canceled", c["event"]!["event_type"].Str());
        Assert.Equal("canceled via axme cli", c["intent"]!["reason"].Str());
        (await f.A.PostAsync($"/v1/intents/{canceled}/resolve", new { status = "DONE" })).Error(HttpStatusCode.UnprocessableEntity, "invalid_status");
    }

    [Fact]
    public async Task Resume_control_on_a_non_waiting_intent_is_not_applied_and_a_handler_result_completes_it()
    {
        var id = await CreateAsync();
        var control = (await f.A.PostAsync($"/v1/intents/{id}/resume", new { approve_current_step = true, reason = "go" })).Ok();
        Assert.False(control["applied"]!.GetValue<bool>());
        Assert.Equal("intent_not_waiting", control["reason"].Str());

        var done = (await f.A.PostAsync($"/v1/intents/{id}/resume", new { action = "complete", ready = true })).Ok();
        Assert.True(done["applied"]!.GetValue<bool>());
        Assert.Equal("COMPLETED", done["intent"]!["lifecycle_status"].Str());
        Assert.True(done["intent"]!["result"]!["ready"]!.GetValue<bool>());

        (await f.A.PostAsync($"/v1/intents/{id}/resume", new { action = "complete" })).Error(HttpStatusCode.Conflict, "intent_already_terminal");

        var failing = await CreateAsync();
        var failed = (await f.A.PostAsync($"/v1/intents/{failing}/resume", new { action = "fail", why = "disk full" })).Ok();
        Assert.Equal("FAILED", failed["intent"]!["status"].Str());
    }

    [Fact]
    public async Task Human_task_intent_waits_for_a_human_and_task_result_answers_it()
    {
        var id = (await f.A.PostAsync("/v1/intents", new
        {
            intent_type = "intent.test.approval.v1",
            to_agent = "agent://acme/prod/approver",
            payload = new { change = "deploy" },
            human_task = new { task_type = "approval", allowed_outcomes = new[] { "approved", "rejected" } },
        })).Ok()["intent_id"].Str();
        var intent = (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
        Assert.Equal("WAITING", intent["status"].Str());
        Assert.Equal("WAITING_FOR_HUMAN", intent["waiting_reason"].Str());
        Assert.Equal("human", intent["pending_with"]!["type"].Str());
        Assert.Equal("approval task", intent["human_task"]!["title"].Str()); // defaulted title
        var events = (await f.A.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
        Assert.Equal("intent.human_task_assigned", events[^1]!["event_type"].Str());

        (await f.A.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "maybe" } }))
            .Error(HttpStatusCode.UnprocessableEntity, "outcome_not_allowed");
        var answered = (await f.A.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved", comment = "lgtm" } })).Ok();
        Assert.Equal("COMPLETED", answered["intent"]!["status"].Str());
        Assert.Equal("approved", answered["intent"]!["result"]!["outcome"].Str());
        (await f.A.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved" } }))
            .Error(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Controls_and_policy_bump_the_generation_and_compare_and_set_refuses_stale_writes()
    {
        var id = await CreateAsync();
        var c1 = (await f.A.PostAsync($"/v1/intents/{id}/controls", new { controls_patch = new { last_retry_attempt = 2 } })).Ok();
        Assert.True(c1["applied"]!.GetValue<bool>());
        Assert.Equal(1, c1["policy_generation"]!.GetValue<int>());
        var p2 = (await f.A.PostAsync($"/v1/intents/{id}/policy", new { envelope_patch = new { max_retry_count = 10 }, expected_policy_generation = 1 })).Ok();
        Assert.Equal(2, p2["policy_generation"]!.GetValue<int>());

        var stale = (await f.A.PostAsync($"/v1/intents/{id}/controls", new { controls_patch = new { x = 1 }, expected_policy_generation = 1 })).Ok();
        Assert.False(stale["applied"]!.GetValue<bool>());
        Assert.Equal("stale_policy_generation", stale["reason"].Str());
        Assert.Equal(2, stale["policy_generation"]!.GetValue<int>());

        var intent = (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
        Assert.Equal(2, intent["policy_generation"]!.GetValue<int>());
        Assert.Equal(2, intent["controls"]!["last_retry_attempt"]!.GetValue<int>());
        Assert.Equal(10, intent["policy"]!["envelope"]!["max_retry_count"]!.GetValue<int>());

        (await f.A.PostAsync($"/v1/intents/{id}/controls", new { })).Error(HttpStatusCode.UnprocessableEntity, "missing_field");
        (await f.A.PostAsync($"/v1/intents/{id}/controls", new { controls_patch = new { timeout_seconds = "soon" } }))
            .Error(HttpStatusCode.UnprocessableEntity);
        (await f.A.PostAsync($"/v1/intents/{id}/policy", new { })).Error(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Timeout_seconds_from_controls_ends_the_intent_timed_out()
    {
        var id = await CreateAsync();
        (await f.A.PostAsync($"/v1/intents/{id}/controls", new { controls_patch = new { timeout_seconds = 1 } })).Ok();
        var intent = await WaitForStatusAsync(id, "TIMED_OUT", TimeSpan.FromSeconds(20));
        Assert.Equal("intent_timeout", intent["error"]!["code"].Str());
        var events = (await f.A.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
        Assert.Equal("intent.timed_out", events[^1]!["event_type"].Str());
        Assert.Single(events, e => e!["event_type"].Str() == "intent.timed_out");
    }

    [Fact]
    public async Task Deadline_at_on_create_times_out_and_ttl_in_policy_too()
    {
        var id = (await f.A.PostAsync("/v1/intents", new
        {
            intent_type = "intent.test.deadline.v1",
            to_agent = "agent://acme/prod/worker",
            deadline_at = DateTimeOffset.UtcNow.AddSeconds(2).ToString("O"),
        })).Ok()["intent_id"].Str();
        var ttl = await CreateAsync();
        (await f.A.PostAsync($"/v1/intents/{ttl}/policy", new { envelope_patch = new { ttl_seconds = 2 } })).Ok();
        await WaitForStatusAsync(id, "TIMED_OUT", TimeSpan.FromSeconds(20));
        await WaitForStatusAsync(ttl, "TIMED_OUT", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Bulk_cancel_dry_run_lists_and_real_run_cancels_only_inactive_intents_of_the_workspace()
    {
        var (client, _) = await f.TenantAsync("bulk", "ws", "cleaner");
        var ids = new List<string>();
        // To a worker of its own workspace: another organization would need its receive policy (ADR 017).
        for (var i = 0; i < 3; i++) ids.Add(await CreateAsync(client, NewIntent("worker")));
        var done = await CreateAsync(client, NewIntent("worker"));
        (await client.PostAsync($"/v1/intents/{done}/resolve", new { status = "COMPLETED" })).Ok();

        var dry = (await client.PostAsync("/v1/intents/bulk-cancel", new { older_than_hours = 0, dry_run = true, reason = "cleanup" })).Ok();
        Assert.Equal(3, dry["would_cancel"]!.GetValue<int>());
        Assert.Equal(ids.Order(), dry["intent_ids"]!.AsArray().Select(x => x.Str()).Order());
        Assert.Equal("SUBMITTED", (await client.GetJsonAsync($"/v1/intents/{ids[0]}")).Ok()["intent"]!["status"].Str());

        var real = (await client.PostAsync("/v1/intents/bulk-cancel", new { older_than_hours = 0, reason = "cleanup" })).Ok();
        Assert.Equal(3, real["canceled"]!.GetValue<int>());
        foreach (var id in ids)
        {
            var intent = (await client.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
            Assert.Equal("CANCELED", intent["status"].Str());
            Assert.Equal("cleanup", intent["reason"].Str());
        }
        var recent = (await client.PostAsync("/v1/intents/bulk-cancel", new { older_than_hours = 24, dry_run = true })).Ok();
        Assert.Equal(0, recent["would_cancel"]!.GetValue<int>());
        (await client.PostAsync("/v1/intents/bulk-cancel", new { status_filter = new[] { "COMPLETED" } })).Error(HttpStatusCode.UnprocessableEntity);
    }

    private async Task<JsonNode> WaitForStatusAsync(string id, string status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonNode? intent = null;
        while (DateTime.UtcNow < deadline)
        {
            intent = (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"];
            if (intent!["status"].Str() == status) return intent;
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException($"intent {id} not {status} within {timeout}: {intent?.ToJsonString()}");
    }
}
