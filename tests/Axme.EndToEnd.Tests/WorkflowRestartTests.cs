using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.EndToEnd.Tests;

/// <summary>A scenario's workflow survives kill -9 mid-way and resumes at the same step.</summary>
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
