using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// Workflow templates (PROTOCOL §8.5: GET /v1/tool-registry/macros[/{id}], workflow.macro_id) and scenarios registered in
/// a workspace and started by id (docs/adr/021), over HTTP.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class TemplateTests(NodeFixture f)
{
    /// <summary>A workspace of its own, with a key of its own (not an admin's).</summary>
    private async Task<(HttpClient Client, string Workspace)> WorkspaceAsync(string name = "operator")
    {
        var ws = "t" + Guid.NewGuid().ToString("N")[..8];
        return ((await f.TenantAsync("tpl", ws, name)).Client, ws);
    }

    private static JsonObject Bundle(string workflow, string payload = """{"n": 1}""") => JsonNode.Parse($$$"""
        {"scenario_id": "tpl.review.v1", "title": "Review", "agents": [{"role": "worker", "address": "tpl-worker", "delivery_mode": "stream", "create_if_missing": true}],
         "humans": [{"role": "reviewer"}], "workflow": {{{workflow}}}, "intent": {"type": "tpl.review.v1", "payload": {{{payload}}}}}
        """)!.AsObject();

    [Fact]
    public async Task The_five_examples_are_listed_as_templates_with_their_parameters_and_defaults()
    {
        var (client, _) = await WorkspaceAsync();

        var macros = (await client.GetJsonAsync("/v1/tool-registry/macros")).Ok()["macros"]!.AsArray();
        Assert.Equal(["delivery.stream.v1", "full.multi_agent.v1", "human.cli.v1", "human.email.v1", "internal.timeout.v1"],
            macros.Select(m => m!["macro_id"].Str()));
        Assert.All(macros, m => Assert.False(string.IsNullOrEmpty(m!["description"].Str())));

        var macro = (await client.GetJsonAsync("/v1/tool-registry/macros/human.cli.v1")).Ok()["macro"]!;
        var parameters = macro["parameters"]!.AsArray();
        Assert.Contains(parameters, p => p!["name"].Str() == "approver" && p["default"].Str() == "operator");
        Assert.Contains(parameters, p => p!["name"].Str() == "max_reminders" && p["type"].Str() == "integer" && p["default"].Str() == "3");
        Assert.Equal("{{approver}}", macro["steps"]![1]!["assigned_to"].Str());
        (await client.GetJsonAsync("/v1/tool-registry/macros/no.such.v1")).Error(HttpStatusCode.NotFound, "macro_not_found");
    }

    [Fact]
    public async Task An_admin_registers_a_workspace_template_which_bundles_there_use_and_nobody_else_may_change()
    {
        var (client, ws) = await WorkspaceAsync();
        var definition = new
        {
            macro_id = "tpl.agent_then_review.v1", description = "an agent step, then a review",
            parameters = new object[] { new { name = "worker", @default = "worker" }, new { name = "days", type = "integer" } },
            steps = new object[]
            {
                new { step_id = "work", tool_id = "tool.agent.task.v1", assigned_to = "{{worker}}" },
                new { step_id = "review", tool_id = "tool.approval.human_signoff", assigned_to = "reviewer", step_deadline_seconds = "{{days}}" },
            },
        };
        (await client.PostAsync("/v1/tool-registry/macros", definition)).Error(HttpStatusCode.Forbidden, "admin_required");
        var bad = (await f.Admin.PostAsync($"/v1/tool-registry/macros?org_id=tpl&workspace_id={ws}", new { macro_id = "tpl.bad.v1", steps = new[] { new { step_id = "a", assigned_to = "{{who}}" } } }))
            .Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        Assert.Equal("{{who}} names no parameter", bad["error"]!["details"]!["steps"].Str());
        (await f.Admin.PostAsync($"/v1/tool-registry/macros?org_id=tpl&workspace_id={ws}", new { macro_id = "human.cli.v1", definition.parameters, definition.steps }))
            .Error(HttpStatusCode.Conflict, "builtin_macro");

        var saved = (await f.Admin.PostAsync($"/v1/tool-registry/macros?org_id=tpl&workspace_id={ws}", definition)).Ok()["macro"]!;
        Assert.Equal(1, saved["version"]!.GetValue<int>());
        Assert.False(saved["builtin"]!.GetValue<bool>());
        Assert.Equal("tpl.agent_then_review.v1", (await client.GetJsonAsync("/v1/tool-registry/macros")).Ok()["macros"]![5]!["macro_id"].Str());
        // Another workspace has only the built-in ones.
        Assert.Equal(5, (await (await WorkspaceAsync()).Client.GetJsonAsync("/v1/tool-registry/macros")).Ok()["macros"]!.AsArray().Count);

        var bundle = Bundle("""{"macro_id": "tpl.agent_then_review.v1", "parameters": {"days": 2}}""");
        var valid = (await client.PostAsync("/v1/scenarios/validate", bundle.ToJsonString())).Ok();
        Assert.True(valid["valid"]!.GetValue<bool>(), valid.ToString());
        var missing = (await client.PostAsync("/v1/scenarios/validate", Bundle("""{"macro_id": "tpl.agent_then_review.v1"}""").ToJsonString())).Ok();
        Assert.Equal("workflow.parameters.days: is required by template 'tpl.agent_then_review.v1'", missing["errors"]![0].Str());

        (await client.SendJsonAsync(HttpMethod.Delete, "/v1/tool-registry/macros/tpl.agent_then_review.v1")).Error(HttpStatusCode.Forbidden, "admin_required");
        (await f.Admin.SendJsonAsync(HttpMethod.Delete, $"/v1/tool-registry/macros/tpl.agent_then_review.v1?org_id=tpl&workspace_id={ws}")).Ok();
        (await f.Admin.SendJsonAsync(HttpMethod.Delete, $"/v1/tool-registry/macros/tpl.agent_then_review.v1?org_id=tpl&workspace_id={ws}")).Error(HttpStatusCode.NotFound, "macro_not_found");
        var gone = (await client.PostAsync("/v1/scenarios/validate", bundle.ToJsonString())).Ok();
        Assert.StartsWith("workflow.macro_id: unknown template 'tpl.agent_then_review.v1'", gone["errors"]![0].Str());
    }

    [Fact]
    public async Task A_registered_scenario_starts_by_id_with_its_payload_and_parameters_and_runs_to_its_end()
    {
        var (client, _) = await WorkspaceAsync();
        var bundle = Bundle("""{"macro_id": "delivery.stream.v1", "parameters": {"agent": "worker", "step_id": "work"}}""");
        var registered = (await client.PostAsync("/v1/scenarios", bundle.ToJsonString())).Ok()["scenario"]!;
        Assert.Equal("tpl.review.v1", registered["scenario_id"].Str());
        Assert.Equal("delivery.stream.v1", registered["macro_id"].Str());
        Assert.Equal("Review", registered["title"].Str());
        Assert.StartsWith("cmp_", registered["compile_id"].Str());
        Assert.Equal("tpl.review.v1", (await client.GetJsonAsync("/v1/scenarios")).Ok()["scenarios"]![0]!["scenario_id"].Str());

        var started = (await client.PostAsync("/v1/scenarios/tpl.review.v1/start", new { payload = new { n = 7 }, parameters = new { step_deadline_seconds = 120 } }, idempotencyKey: "run-1")).Ok();
        var again = (await client.PostAsync("/v1/scenarios/tpl.review.v1/start", new { payload = new { n = 7 }, parameters = new { step_deadline_seconds = 120 } }, idempotencyKey: "run-1")).Ok();
        Assert.Equal(started["intent_id"].Str(), again["intent_id"].Str());
        Assert.True(again["idempotent"]!.GetValue<bool>());
        Assert.NotEqual(registered["compile_id"].Str(), started["compile_id"].Str()); // the run's parameter is in its workflow
        (await client.PostAsync("/v1/scenarios/tpl.review.v1/start", new { payload = new { n = 8 } }, idempotencyKey: "run-1")).Error(HttpStatusCode.Conflict, "idempotency_conflict");
        var id = started["intent_id"].Str();
        Assert.Equal(7, (await client.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["payload"]!["n"]!.GetValue<int>());

        // The template's agent step goes to the bundle's agent (provisioned by the start), which completes it.
        var agent = (await client.GetJsonAsync("/v1/agents/tpl-worker")).Ok()["agent"]!;
        var key = (await client.PostAsync($"/v1/service-accounts/{agent["service_account_id"].Str()}/keys", new { })).Ok()["key"]!["token"].Str();
        var worker = f.Node.CreateClient(key);
        var sse = await SseClient.ReadAsync(worker, "/v1/agents/tpl-worker/intents/stream?since=0&wait_seconds=2", TimeSpan.FromSeconds(20));
        var step = JsonNode.Parse(sse.Messages.First(m => m.Event == "intent.delivered").Data!)!;
        Assert.Equal("work", step["payload"]!["step_id"].Str());
        (await worker.PostAsync($"/v1/intents/{step["intent_id"].Str()}/resolve", new { status = "COMPLETED", result = new { seen = 7 } })).Ok();
        var done = await Poll.UntilAsync(async () => (await client.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!,
            i => i["status"].Str() == "COMPLETED", TimeSpan.FromSeconds(20), "the started scenario's end");
        Assert.Equal(7, done["result"]!["steps"]!["work"]!["seen"]!.GetValue<int>());
    }

    [Fact]
    public async Task Starting_and_changing_registered_scenarios_refuses_what_is_not_theirs_or_not_valid()
    {
        var (client, ws) = await WorkspaceAsync();
        var other = (await f.TenantAsync("tpl", ws, "colleague")).Client;
        var plain = Bundle("""{"steps": [{"step_id": "work", "tool_id": "tool.agent.task.v1", "assigned_to": "worker"}]}""");
        plain["idempotency_key"] = "the-bundles-own-key"; // names one parent when applied; not every start of the registered one
        (await client.PostAsync("/v1/scenarios", plain.ToJsonString())).Ok();
        var first = (await client.PostAsync("/v1/scenarios/tpl.review.v1/start", new { })).Ok()["intent_id"].Str();
        Assert.NotEqual(first, (await client.PostAsync("/v1/scenarios/tpl.review.v1/start", new { })).Ok()["intent_id"].Str());
        plain.Remove("idempotency_key");

        (await client.PostAsync("/v1/scenarios/no.such.v1/start", new { })).Error(HttpStatusCode.NotFound, "scenario_not_found");
        Assert.Equal("parameters", (await client.PostAsync("/v1/scenarios/tpl.review.v1/start", new { parameters = new { x = 1 } }))
            .Error(HttpStatusCode.UnprocessableEntity, "validation_error")["error"]!["details"]!["field"].Str());
        Assert.Equal("payload", (await client.PostAsync("/v1/scenarios/tpl.review.v1/start", new { payload = "text" }))
            .Error(HttpStatusCode.UnprocessableEntity, "validation_error")["error"]!["details"]!["field"].Str());
        (await client.PostAsync("/v1/scenarios", Bundle("""{"steps": [{"step_id": "work", "tool_id": "bad.tool"}]}""").ToJsonString()))
            .Error(HttpStatusCode.UnprocessableEntity, "validation_error");

        // A colleague in the workspace may start it, not replace or delete it; its registrant and admins may.
        (await other.PostAsync("/v1/scenarios/tpl.review.v1/start", new { })).Ok();
        (await other.PostAsync("/v1/scenarios", plain.ToJsonString())).Error(HttpStatusCode.Forbidden, "not_scenario_owner");
        (await other.SendJsonAsync(HttpMethod.Delete, "/v1/scenarios/tpl.review.v1")).Error(HttpStatusCode.Forbidden, "not_scenario_owner");
        Assert.Equal(2, (await client.PostAsync("/v1/scenarios", plain.ToJsonString())).Ok()["scenario"]!["version"]!.GetValue<int>());
        (await client.SendJsonAsync(HttpMethod.Delete, "/v1/scenarios/tpl.review.v1")).Ok();
        (await client.GetJsonAsync("/v1/scenarios/tpl.review.v1")).Error(HttpStatusCode.NotFound, "scenario_not_found");
        // Another workspace never sees it.
        (await f.A.GetJsonAsync("/v1/scenarios/tpl.review.v1")).Error(HttpStatusCode.NotFound, "scenario_not_found");
    }
}
