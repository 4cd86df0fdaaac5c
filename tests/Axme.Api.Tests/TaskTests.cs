using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>Human tasks over HTTP: /v1/me/tasks, approvals, task_result as the CLI sends it (PROTOCOL §7.3–7.5).</summary>
[Collection(NodeCollection.Name)]
public sealed class TaskTests(NodeFixture f)
{
    /// <summary>A workspace of its own, so the task list holds only this test's tasks.</summary>
    private async Task<HttpClient> WorkspaceAsync() =>
        (await f.TenantAsync("tasks", "t" + Guid.NewGuid().ToString("N")[..8], "requester")).Client;

    private static async Task<string> TaskAsync(HttpClient client, object humanTask) =>
        (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.task.v1", to_agent = "approver", payload = new { n = 1 }, human_task = humanTask }))
        .Ok()["intent_id"].Str();

    [Fact]
    public async Task My_tasks_lists_the_workspaces_pending_tasks_with_their_approval_ids_and_decisions_answer_them()
    {
        var client = await WorkspaceAsync();
        var first = await TaskAsync(client, new { title = "Ship it?", task_type = "approval" });
        var second = await TaskAsync(client, new { title = "Confirm the window", task_type = "confirmation" });
        var tasks = (await client.GetJsonAsync("/v1/me/tasks")).Ok()["tasks"]!.AsArray();
        Assert.Equal([first, second], tasks.Select(t => t!["intent_id"].Str()));
        Assert.All(tasks, t => Assert.Equal("WAITING", t!["status"].Str()));
        Assert.Equal("Ship it?", tasks[0]!["human_task"]!["title"].Str());
        Assert.Equal(first, tasks[0]!["human_task"]!["approval_id"].Str());
        Assert.NotNull(tasks[0]!["assigned_at"]);
        Assert.DoesNotContain((await f.B.GetJsonAsync("/v1/me/tasks")).Ok()["tasks"]!.AsArray(), t => t!["intent_id"].Str() == first);

        var approved = (await client.PostAsync($"/v1/approvals/{first}/decision", new { decision = "approve", comment = "go" })).Ok();
        Assert.Equal("approve", approved["approval"]!["decision"].Str());
        Assert.Equal("COMPLETED", (await client.GetJsonAsync($"/v1/intents/{first}")).Ok()["intent"]!["status"].Str());
        (await client.PostAsync($"/v1/approvals/{first}/decision", new { decision = "reject" })).Error(HttpStatusCode.Conflict, "approval_already_decided");
        var confirmed = (await client.GetJsonAsync($"/v1/intents/{second}")).Ok();
        Assert.Equal("WAITING", confirmed["intent"]!["status"].Str());
        (await client.PostAsync($"/v1/approvals/{second}/decision", new { decision = "maybe" })).Error(HttpStatusCode.UnprocessableEntity, "invalid_decision");
        (await client.PostAsync($"/v1/approvals/{second}/decision", new { decision = "approve" })).Ok();
        Assert.Equal("confirmed", (await client.GetJsonAsync($"/v1/intents/{second}")).Ok()["intent"]!["result"]!["outcome"].Str());
        (await client.PostAsync($"/v1/approvals/{Guid.NewGuid()}/decision", new { decision = "approve" })).Error(HttpStatusCode.NotFound);
        (await client.PostAsync("/v1/approvals/not-an-id/decision", new { decision = "approve" })).Error(HttpStatusCode.NotFound);
        Assert.Empty((await client.GetJsonAsync("/v1/me/tasks")).Ok()["tasks"]!.AsArray());
    }

    [Fact]
    public async Task A_form_answered_with_the_CLIs_string_values_is_coerced_and_an_invalid_one_lists_every_field()
    {
        var client = await WorkspaceAsync();
        var id = await TaskAsync(client, new
        {
            title = "Budget", task_type = "form",
            form_schema = new { type = "object", required = new[] { "approved", "amount" }, properties = new { approved = new { type = "boolean" }, amount = new { type = "number", maximum = 100 } } },
        });
        var bad = (await client.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "submitted", amount = "250" } }))
            .Error(HttpStatusCode.UnprocessableEntity, "form_invalid");
        Assert.NotNull(bad.Body["error"]!["details"]!["task_result.approved"]);
        Assert.NotNull(bad.Body["error"]!["details"]!["task_result.amount"]);
        Assert.Equal("WAITING", (await client.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["status"].Str()); // nothing written

        var done = (await client.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "submitted", approved = "true", amount = "32" } })).Ok();
        Assert.Equal("COMPLETED", done["intent"]!["status"].Str());
        Assert.True(done["intent"]!["result"]!["task_result"]!["approved"]!.GetValue<bool>());
        Assert.Equal(32, done["intent"]!["result"]!["task_result"]!["amount"]!.GetValue<double>());
    }

    [Fact]
    public async Task Bad_human_tasks_are_refused_on_create_with_nothing_written()
    {
        var client = await WorkspaceAsync();
        var r = (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.task.v1", to_agent = "approver", human_task = new { task_type = "coffee" } }))
            .Error(HttpStatusCode.UnprocessableEntity, "invalid_task_type");
        Assert.Equal("human_task.task_type", r.Body["error"]!["details"]!["field"].Str());
        (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.task.v1", to_agent = "approver", human_task = new { task_type = "form" } }))
            .Error(HttpStatusCode.UnprocessableEntity);
        Assert.Empty((await client.GetJsonAsync("/v1/intents")).Ok()["intents"]!.AsArray());
    }

    [Fact]
    public async Task Built_in_steps_run_without_an_agent_a_timeout_ends_TIMED_OUT_and_bad_configs_are_422()
    {
        var client = await WorkspaceAsync();
        var timeout = (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.step.v1", runtime_type = "timeout", runtime_config = new { seconds = 2 } })).Ok()["intent_id"].Str();
        var created = (await client.GetJsonAsync($"/v1/intents/{timeout}")).Ok()["intent"]!;
        Assert.Equal("WAITING_FOR_TIME", created["waiting_reason"].Str());
        Assert.Equal("timeout", created["runtime_type"].Str());
        Assert.EndsWith("/runtime.timeout", created["to_agent"].Str());
        var ended = await Poll.UntilAsync(() => client.GetJsonAsync($"/v1/intents/{timeout}").ContinueWith(t => t.Result.Ok()["intent"]!),
            i => i["status"].Str() != "WAITING", TimeSpan.FromSeconds(20), "the timeout step");
        Assert.Equal("TIMED_OUT", ended["status"].Str());

        var delay = (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.step.v1", runtime_type = "delay", runtime_config = new { seconds = 1 } })).Ok()["intent_id"].Str();
        var waited = await Poll.UntilAsync(() => client.GetJsonAsync($"/v1/intents/{delay}").ContinueWith(t => t.Result.Ok()["intent"]!),
            i => i["status"].Str() != "WAITING", TimeSpan.FromSeconds(20), "the delay step");
        Assert.Equal("COMPLETED", waited["status"].Str());

        var bad = (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.step.v1", runtime_type = "reminder", runtime_config = new { } }))
            .Error(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("runtime_config.to", bad.Body["error"]!["details"]!["field"].Str());
        (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.step.v1" })).Error(HttpStatusCode.UnprocessableEntity); // no to_agent, no runtime_type
    }

    [Fact]
    public async Task Answering_twice_with_the_same_Idempotency_Key_gets_the_original_answer_and_without_it_409()
    {
        var client = await WorkspaceAsync();
        var byResume = await TaskAsync(client, new { title = "Ship it?" });
        var first = await client.PostAsync($"/v1/intents/{byResume}/resume", new { task_result = new { outcome = "approved", comment = "yes" } }, idempotencyKey: "answer-1");
        var again = await client.PostAsync($"/v1/intents/{byResume}/resume", new { task_result = new { outcome = "approved", comment = "yes" } }, idempotencyKey: "answer-1");
        Assert.Equal(first.Ok().Text, again.Ok().Text);
        (await client.PostAsync($"/v1/intents/{byResume}/resume", new { task_result = new { outcome = "approved" } })).Error(HttpStatusCode.Conflict, "intent_already_terminal");
        (await client.PostAsync($"/v1/intents/{byResume}/resume", new { task_result = new { outcome = "rejected" } }, idempotencyKey: "answer-1")).Error(HttpStatusCode.Conflict, "idempotency_conflict");

        var byDecision = await TaskAsync(client, new { title = "Deploy?" });
        var decided = await client.PostAsync($"/v1/approvals/{byDecision}/decision", new { decision = "reject", comment = "not today" }, idempotencyKey: "decide-1");
        var replayed = await client.PostAsync($"/v1/approvals/{byDecision}/decision", new { decision = "reject", comment = "not today" }, idempotencyKey: "decide-1");
        Assert.Equal("reject", decided.Ok()["approval"]!["decision"].Str());
        Assert.Equal(decided.Body["approval"]!["decided_at"].Str(), replayed.Ok()["approval"]!["decided_at"].Str());
        Assert.Equal("CANCELED", (await client.GetJsonAsync($"/v1/intents/{byDecision}")).Ok()["intent"]!["status"].Str());
        var events = (await client.GetJsonAsync($"/v1/intents/{byDecision}/events")).Ok()["events"]!.AsArray();
        Assert.Single(events, e => e!["event_type"].Str() == "intent.canceled"); // answered once
    }
}
