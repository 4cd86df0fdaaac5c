using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.EndToEnd.Tests;

/// <summary>A scenario's workflow survives kill -9 mid-way (between agent steps, during and right after a human step) and resumes at the same step.</summary>
public sealed class WorkflowRestartTests
{
    [Fact]
    public async Task A_workflow_killed_between_steps_resumes_at_the_same_step_after_restart()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_workflow");
        await using var node = new NodeProcess(db, "workflow-restart");
        try
        {
            await node.StartAsync();
            var bundle = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "scenarios", "full.multi-agent.json"));
            string id;
            using (var admin = node.CreateClient())
            {
                id = (await admin.PostAsync("/v1/scenarios/apply", bundle)).Ok()["intent_id"].Str();
                using var compliance = await AgentAsync(node, admin, "compliance-checker-agent");
                await HandleAsync(compliance, "compliance-checker-agent");
                await Poll.UntilAsync(() => PendingAsync(admin, id), p => p.EndsWith("/risk-assessment-agent", StringComparison.Ordinal),
                    TimeSpan.FromSeconds(30), "the second step");
            }
            await node.KillAsync(); // between steps: the risk step's intent is out, nobody has handled it
            await node.StartAsync();

            using var after = node.CreateClient();
            Assert.EndsWith("/risk-assessment-agent", await PendingAsync(after, id));
            using var risk = await AgentAsync(node, after, "risk-assessment-agent");
            await HandleAsync(risk, "risk-assessment-agent");
            await Poll.UntilAsync(() => after.GetJsonAsync($"/v1/intents/{id}").ContinueWith(t => t.Result.Ok()["intent"]!["waiting_reason"]?.GetValue<string>()),
                r => r == "WAITING_FOR_HUMAN", TimeSpan.FromSeconds(30), "the CAB step");
            (await after.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved" } })).Ok();
            var done = (await after.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
            Assert.Equal("COMPLETED", done["status"].Str());
            Assert.NotNull(done["result"]!["steps"]!["compliance_check"]);
            Assert.NotNull(done["result"]!["steps"]!["risk_assessment"]);
            var events = (await after.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
            Assert.Single(events, e => e!["event_type"].Str() == "intent.completed");
            Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e!["seq"]!.GetValue<int>()));
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    /// <summary>An agent step, then a human sign-off with a reminder due soon, then a short built-in delay.</summary>
    private static readonly JsonObject HumanRestartBundle = new()
    {
        ["scenario_id"] = "e2e.human.restart.v1",
        ["agents"] = new JsonArray(new JsonObject
        {
            ["role"] = "checker", ["address"] = "restart-checker", ["delivery_mode"] = "stream", ["create_if_missing"] = true,
        }),
        ["humans"] = new JsonArray(new JsonObject { ["role"] = "operator" }),
        ["workflow"] = new JsonObject
        {
            ["steps"] = new JsonArray(
                new JsonObject { ["step_id"] = "readiness_check", ["tool_id"] = "tool.agent.task.v1", ["assigned_to"] = "checker", ["step_deadline_seconds"] = 60 },
                new JsonObject
                {
                    ["step_id"] = "ops_approval", ["tool_id"] = "tool.approval.human_signoff", ["assigned_to"] = "operator", ["requires_approval"] = true,
                    // Due after the kill below (it follows the wait within a second) and before the restart is over.
                    ["remind_after_seconds"] = 5, ["max_reminders"] = 1,
                    ["human_task"] = new JsonObject { ["title"] = "Approve the deployment (restart test)" },
                },
                // A step after the approval, so that the approval's answer returns before the workflow is done.
                new JsonObject { ["step_id"] = "cool_down", ["runtime_type"] = "delay", ["runtime_config"] = new JsonObject { ["seconds"] = 2 } }),
        },
        ["intent"] = new JsonObject { ["type"] = "intent.e2e.human_restart.v1", ["payload"] = new JsonObject { ["service"] = "api-gateway" } },
    };

    [Fact]
    public async Task A_workflow_killed_while_waiting_for_a_human_keeps_the_task_and_its_reminder_and_an_acknowledged_approval_survives_a_kill()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_human");
        await using var node = new NodeProcess(db, "human-restart");
        try
        {
            await node.StartAsync();
            string id, key;
            JsonNode task;
            using (var admin = node.CreateClient())
            {
                (var operatorClient, _, key) = await Tenants.CreateAsync(node, admin, "e2e", "human", "operator");
                using var op = operatorClient;
                id = (await op.PostAsync("/v1/scenarios/apply", HumanRestartBundle.ToJsonString())).Ok()["intent_id"].Str();
                using var checker = await AgentAsync(node, op, "restart-checker");
                await HandleAsync(checker, "restart-checker");
                await Poll.UntilAsync(() => IntentAsync(op, id), i => i["waiting_reason"]?.GetValue<string>() == "WAITING_FOR_HUMAN",
                    TimeSpan.FromSeconds(30), "the approval step");
                task = Assert.Single((await op.GetJsonAsync("/v1/me/tasks")).Ok()["tasks"]!.AsArray())!;
                Assert.Equal(id, task["intent_id"].Str());
                Assert.DoesNotContain("intent.reminder", await EventTypesAsync(op, id)); // not due yet: it must fire after the restart
            }
            await node.KillAsync(); // waiting for the human, with the reminder pending
            await node.StartAsync();

            using (var op = node.CreateClient(key))
            {
                var again = Assert.Single((await op.GetJsonAsync("/v1/me/tasks")).Ok()["tasks"]!.AsArray())!;
                foreach (var field in new[] { "intent_id", "approval_id", "assigned_at", "status" })
                    Assert.Equal(task[field].Str(), again[field].Str());
                Assert.Equal(task["human_task"]!["title"].Str(), again["human_task"]!["title"].Str());
                // The step's reminder schedule lived through the kill: due while no node ran, it fires now.
                await Poll.UntilAsync(() => EventTypesAsync(op, id), e => e.Contains("intent.reminder"), TimeSpan.FromSeconds(30), "the step's reminder");
                Assert.Equal("WAITING_FOR_HUMAN", (await IntentAsync(op, id))["waiting_reason"].Str());

                // `axme tasks approve` with an Idempotency-Key; the node dies as soon as the answer is acknowledged,
                // while the next step (the delay) has yet to run.
                var approved = (await op.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved" } }, idempotencyKey: "approve-1")).Ok();
                Assert.True(approved["applied"]!.GetValue<bool>());
                Assert.Equal("WAITING", approved["intent"]!["status"].Str());
            }
            await node.KillAsync();
            await node.StartAsync();

            using (var op = node.CreateClient(key))
            {
                var done = await Poll.UntilAsync(() => IntentAsync(op, id), i => i["status"].Str() is not "WAITING" and not "IN_PROGRESS",
                    TimeSpan.FromSeconds(30), "the end of the workflow");
                Assert.Equal("COMPLETED", done["status"].Str());
                var steps = done["result"]!["steps"]!;
                Assert.NotNull(steps["readiness_check"]);
                Assert.Equal("approved", steps["ops_approval"]!["outcome"].Str());
                Assert.NotNull(steps["cool_down"]);
                Assert.Empty((await op.GetJsonAsync("/v1/me/tasks")).Ok()["tasks"]!.AsArray());

                // A client that missed the answer retries it: the same answer, nothing applied twice.
                var replay = (await op.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved" } }, idempotencyKey: "approve-1")).Ok();
                Assert.Equal("WAITING", replay["intent"]!["status"].Str());
                var events = (await op.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
                Assert.Single(events, e => e!["event_type"].Str() is "intent.completed" or "intent.failed" or "intent.canceled" or "intent.timed_out");
                Assert.Single(events, e => e!["event_type"].Str() == "intent.completed");
                Assert.Single(events, e => e!["event_type"].Str() == "intent.human_task_assigned");
                Assert.Single(events, e => e!["event_type"].Str() == "intent.reminder");
                Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e!["seq"]!.GetValue<int>()));
            }
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    private static async Task<JsonObject> IntentAsync(HttpClient c, string id) => (await c.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!.AsObject();

    private static async Task<string[]> EventTypesAsync(HttpClient c, string id) =>
        [.. (await c.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray().Select(e => e!["event_type"].Str())];

    private static async Task<string> PendingAsync(HttpClient c, string id) =>
        (await c.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["pending_with"]?["ref"]?.GetValue<string>() ?? "";

    private static async Task<HttpClient> AgentAsync(NodeProcess node, HttpClient admin, string name)
    {
        var agent = (await admin.GetJsonAsync($"/v1/agents/{name}")).Ok()["agent"]!;
        var key = (await admin.PostAsync($"/v1/service-accounts/{agent["service_account_id"].Str()}/keys", new { })).Ok();
        return node.CreateClient(key["key"]!["token"].Str());
    }

    /// <summary>Listens until one delivery arrives and resumes it as the CLI's built-in agents do.</summary>
    private static async Task HandleAsync(HttpClient agent, string name)
    {
        for (var i = 0; i < 10; i++)
        {
            var sse = await SseClient.ReadAsync(agent, $"/v1/agents/{name}/intents/stream?since=0&wait_seconds=2", TimeSpan.FromSeconds(20));
            var delivered = sse.Messages.Where(m => m.Event == "intent.delivered").Select(m => JsonNode.Parse(m.Data!)!["intent_id"].Str()).ToArray();
            foreach (var id in delivered)
                (await agent.PostAsync($"/v1/intents/{id}/resume?owner_agent={name}", new { action = "complete", by = name })).Ok();
            if (delivered.Length > 0) return;
        }
        throw new Xunit.Sdk.XunitException($"{name} got no delivery");
    }
}
