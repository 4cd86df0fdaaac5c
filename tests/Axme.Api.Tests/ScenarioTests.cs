using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>ScenarioBundles over HTTP: validate, apply, and the five built-in examples run end to end (PROTOCOL §8).</summary>
[Collection(NodeCollection.Name)]
public sealed class ScenarioTests(NodeFixture f)
{
    private static JsonObject Example(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "scenarios", file)))!.AsObject();

    /// <summary>A workspace of its own, with its key (the sender and CLI operator).</summary>
    private string _workspace = "";

    private async Task<HttpClient> WorkspaceAsync()
    {
        _workspace = "s" + Guid.NewGuid().ToString("N")[..8];
        return (await f.TenantAsync("scn", _workspace, "operator")).Client;
    }

    private static async Task<JsonObject> IntentAsync(HttpClient c, string id) => (await c.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!.AsObject();

    private static Task<JsonObject> UntilAsync(HttpClient c, string id, Func<JsonObject, bool> done, string what, int seconds = 30) =>
        Poll.UntilAsync(() => IntentAsync(c, id), done, TimeSpan.FromSeconds(seconds), what);

    /// <summary>The key of a provisioned agent (the CLI's provisioning does the same: POST …/keys on the agent's service account).</summary>
    private async Task<HttpClient> AgentKeyAsync(HttpClient workspace, string name)
    {
        var agent = (await workspace.GetJsonAsync($"/v1/agents/{name}")).Ok()["agent"]!;
        var key = (await workspace.PostAsync($"/v1/service-accounts/{agent["service_account_id"].Str()}/keys", new { })).Ok();
        return f.Node.CreateClient(key["key"]!["token"].Str());
    }

    /// <summary>Plays one built-in agent like the CLI's (§8.7): listen, read the step intent, resume it with the handler's result.</summary>
    private static async Task<List<string>> HandleDeliveriesAsync(HttpClient agent, string name, Func<JsonObject, object> handler)
    {
        var sse = await SseClient.ReadAsync(agent, $"/v1/agents/{name}/intents/stream?since=0&wait_seconds=2", TimeSpan.FromSeconds(20));
        var handled = new List<string>();
        foreach (var m in sse.Messages.Where(m => m.Event == "intent.delivered"))
        {
            var id = JsonNode.Parse(m.Data!)!["intent_id"].Str();
            var intent = await IntentAsync(agent, id);
            var input = intent["payload"]!["parent_payload"] as JsonObject ?? intent["payload"]!.AsObject();
            (await agent.PostAsync($"/v1/intents/{id}/resume?owner_agent={name}", handler(input))).Ok();
            handled.Add(id);
        }
        return handled;
    }

    /// <summary>The transaction that last wrote the intent's row (PostgreSQL's xmin).</summary>
    private async Task<string> WrittenByAsync(string intentId)
    {
        await using var db = Npgsql.NpgsqlDataSource.Create(f.Database);
        await using var read = db.CreateCommand("SELECT xmin::text FROM axme_intents WHERE intent_id = $1");
        read.Parameters.AddWithValue(Guid.Parse(intentId));
        return (string)(await read.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Validate_reports_every_problem_with_its_path_and_creates_nothing()
    {
        var client = await WorkspaceAsync();
        var bundle = Example("human.cli.json");
        bundle["scenario_id"] = "Bad Id";
        bundle["workflow"]!["steps"]![0]!["tool_id"] = "bad.tool";
        bundle["workflow"]!["steps"]![1]!["assigned_to"] = "nobody";
        bundle["workflow"]!["steps"]![1]!["on_success"] = "missing_step";
        bundle["intent"]!.AsObject().Remove("type");
        var r = (await client.PostAsync("/v1/scenarios/validate", bundle.ToJsonString())).Ok();
        Assert.False(r["valid"]!.GetValue<bool>());
        var errors = r["errors"]!.AsArray().Select(e => e.Str()).ToArray();
        Assert.Contains(errors, e => e.StartsWith("scenario_id:", StringComparison.Ordinal));
        Assert.Contains("workflow.steps[0].tool_id: unknown tool_id: bad.tool", errors);
        Assert.Contains(errors, e => e.StartsWith("workflow.steps[1].assigned_to:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("workflow.steps[1].on_success:", StringComparison.Ordinal));
        Assert.Contains("intent.type: is required", errors);
        Assert.DoesNotContain((await client.GetJsonAsync("/v1/agents")).Ok()["agents"]!.AsArray(), a => a!["service_account_name"].Str() != "operator"); // nothing provisioned

        var ok = (await client.PostAsync("/v1/scenarios/validate", Example("human.cli.json").ToJsonString())).Ok();
        Assert.True(ok["valid"]!.GetValue<bool>());
        Assert.Empty(ok["errors"]!.AsArray());
        Assert.NotEmpty(ok["warnings"]!.AsArray()); // the operator has no contact
        (await client.PostAsync("/v1/scenarios/apply", bundle.ToJsonString())).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
    }

    /// <summary>A schema for the bundle's intent type in the workspace (registered by the admin, ADR 017): amount ≥ 0 and a currency, both required.</summary>
    private async Task<string> OrderSchemaAsync()
    {
        var type = $"intent.scn.order{Guid.NewGuid():N}"[..30] + ".v1";
        (await f.Admin.PostAsync($"/v1/schemas?org_id=scn&workspace_id={_workspace}", new
        {
            semantic_type = type,
            schema_json = new
            {
                type = "object", required = new[] { "amount", "currency" },
                properties = new { amount = new { type = "number", minimum = 0 }, currency = new { type = "string" } },
            },
        })).Ok();
        return type;
    }

    [Fact]
    public async Task A_payload_its_types_schema_refuses_is_a_validate_problem_per_field_and_apply_creates_nothing()
    {
        var client = await WorkspaceAsync();
        var bundle = Example("human.cli.json");
        bundle["intent"]!["type"] = await OrderSchemaAsync();
        bundle["intent"]!["payload"] = new JsonObject { ["amount"] = -5, ["service"] = "api-gateway" };

        var r = (await client.PostAsync("/v1/scenarios/validate", bundle.ToJsonString())).Ok();
        Assert.False(r["valid"]!.GetValue<bool>());
        var errors = r["errors"]!.AsArray().Select(e => e.Str()).ToArray();
        Assert.Contains(errors, e => e.StartsWith("intent.payload.amount: ", StringComparison.Ordinal));
        Assert.Contains("intent.payload.currency: is required", errors);
        Assert.Null(r["compile_id"]);

        var refused = (await client.PostAsync("/v1/scenarios/apply", bundle.ToJsonString())).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        Assert.Contains("intent.payload.amount", refused["error"]!["message"].Str());
        Assert.Equal("is required", refused["error"]!["details"]!["intent.payload.currency"].Str());
        // Refused before anything happened: no agent provisioned, no parent intent.
        Assert.DoesNotContain((await client.GetJsonAsync("/v1/agents")).Ok()["agents"]!.AsArray(), a => a!["service_account_name"].Str() != "operator");
        Assert.Empty((await client.GetJsonAsync($"/v1/intents?intent_type={bundle["intent"]!["type"].Str()}")).Ok()["intents"]!.AsArray());
    }

    [Fact]
    public async Task A_payload_its_types_schema_accepts_applies_and_its_step_intents_are_not_checked_against_it()
    {
        var client = await WorkspaceAsync();
        var bundle = Example("human.cli.json");
        bundle["intent"]!["type"] = await OrderSchemaAsync();
        bundle["intent"]!["payload"] = new JsonObject { ["amount"] = 5, ["currency"] = "EUR" };
        Assert.True((await client.PostAsync("/v1/scenarios/validate", bundle.ToJsonString())).Ok()["valid"]!.GetValue<bool>());

        var id = (await client.PostAsync("/v1/scenarios/apply", bundle.ToJsonString())).Ok()["intent_id"].Str();
        // A decision before the workflow reaches its human step is early, not "already decided".
        (await client.PostAsync($"/v1/approvals/{id}/decision", new { decision = "approve" })).Error(HttpStatusCode.Conflict, "human_step_not_reached");
        // The step intent shares the type but carries the runtime's envelope ({parent_payload, step_id, input}).
        var agent = await AgentKeyAsync(client, "deploy-readiness-checker");
        Assert.Single(await HandleDeliveriesAsync(agent, "deploy-readiness-checker", input => new { action = "complete", amount_seen = input["amount"]!.GetValue<int>() }));
        await UntilAsync(client, id, i => i["waiting_reason"]?.GetValue<string>() == "WAITING_FOR_HUMAN", "the approval step");
        (await client.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved" } })).Ok();
        var done = await IntentAsync(client, id);
        Assert.Equal("COMPLETED", done["status"].Str());
        Assert.Equal(5, done["result"]!["steps"]!["readiness_check"]!["amount_seen"]!.GetValue<int>());
        (await client.PostAsync($"/v1/approvals/{id}/decision", new { decision = "approve" })).Error(HttpStatusCode.Conflict, "approval_already_decided");
    }

    [Fact]
    public async Task Delivery_stream_example_runs_its_agent_step_and_completes_with_the_step_results_and_apply_is_idempotent()
    {
        var client = await WorkspaceAsync();
        var bundle = Example("delivery.stream.json").ToJsonString();
        var applied = await client.PostAsync("/v1/scenarios/apply", bundle, idempotencyKey: "apply-1");
        var a = applied.Ok();
        Assert.Equal("delivery.stream.v1", a["scenario_id"].Str());
        Assert.StartsWith("cmp_", a["compile_id"].Str());
        Assert.False(a["idempotent"]!.GetValue<bool>());
        Assert.True(a["agents_provisioned"]![0]!["created"]!.GetValue<bool>());
        Assert.Equal("WAITING", a["status"].Str());
        var again = (await client.PostAsync("/v1/scenarios/apply", bundle, idempotencyKey: "apply-1")).Ok();
        Assert.Equal(a["intent_id"].Str(), again["intent_id"].Str());
        Assert.True(again["idempotent"]!.GetValue<bool>());

        var id = a["intent_id"].Str();
        var waiting = await IntentAsync(client, id);
        Assert.Equal("WAITING_FOR_AGENT", waiting["waiting_reason"].Str());
        Assert.EndsWith("/compliance-checker-agent", waiting["pending_with"]!["ref"].Str());
        // The step intent was created in the apply's own transaction (docs/adr/039): its row and the parent's are by the
        // same PostgreSQL transaction.
        var entered = (await client.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray()
            .Single(e => e!["event_type"].Str() == "intent.waiting")!["details"]!["step_intent_id"].Str();
        Assert.Equal(await WrittenByAsync(id), await WrittenByAsync(entered));

        var agent = await AgentKeyAsync(client, "compliance-checker-agent");
        var step = Assert.Single(await HandleDeliveriesAsync(agent, "compliance-checker-agent", input => new
        {
            action = "complete", passed = input["environment"].Str() == "staging", reason = "compliance passed (env=staging, risk=medium)",
        }));
        Assert.Equal(entered, step);
        var done = await UntilAsync(client, id, i => i["status"].Str() != "WAITING", "the workflow");
        Assert.Equal("COMPLETED", done["status"].Str());
        // The step intent's end and the workflow's step that took it were one transaction (docs/adr/038): its last write
        // and the parent's are by the same PostgreSQL transaction.
        Assert.Equal(await WrittenByAsync(step), await WrittenByAsync(id));
        Assert.True(done["result"]!["steps"]!["compliance_check"]!["passed"]!.GetValue<bool>());
        var events = (await client.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray().Select(e => e!["event_type"].Str()).ToArray();
        Assert.Equal(["intent.created", "intent.submitted", "intent.waiting", "intent.in_progress", "intent.completed"], events);
    }

    [Fact]
    public async Task Human_cli_example_tells_the_story_agent_step_then_an_approval_the_operator_answers()
    {
        var client = await WorkspaceAsync();
        var id = (await client.PostAsync("/v1/scenarios/apply", Example("human.cli.json").ToJsonString())).Ok()["intent_id"].Str();
        var agent = await AgentKeyAsync(client, "deploy-readiness-checker");
        Assert.Single(await HandleDeliveriesAsync(agent, "deploy-readiness-checker", _ => new { action = "complete", ready = true, passed_checks = new[] { "version", "environment" } }));

        var waiting = await UntilAsync(client, id, i => i["waiting_reason"]?.GetValue<string>() == "WAITING_FOR_HUMAN", "the approval step");
        Assert.Equal("Deployment approval — api-gateway v3.2.1 → staging", waiting["human_task"]!["title"].Str());
        var task = Assert.Single((await client.GetJsonAsync("/v1/me/tasks")).Ok()["tasks"]!.AsArray())!;
        Assert.Equal(id, task["intent_id"].Str());
        // `axme tasks approve <id>` sends exactly this.
        (await client.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved" } })).Ok();
        var done = await IntentAsync(client, id);
        Assert.Equal("COMPLETED", done["status"].Str());
        Assert.Equal("approved", done["result"]!["steps"]!["ops_approval"]!["outcome"].Str());
        Assert.True(done["result"]!["steps"]!["readiness_check"]!["ready"]!.GetValue<bool>());
        var events = (await client.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray().Select(e => e!["event_type"].Str()).ToArray();
        // The story of PROTOCOL §8.8.
        Assert.Equal(["intent.created", "intent.submitted", "intent.waiting", "intent.human_task_assigned", "intent.in_progress", "intent.completed"], events);
    }

    [Fact]
    public async Task Internal_timeout_example_with_no_agent_ends_FAILED_with_step_timeout()
    {
        var client = await WorkspaceAsync();
        var bundle = Example("internal.timeout.json");
        bundle["workflow"]!["steps"]![0]!["step_deadline_seconds"] = 2; // the example's 15 s, shortened for the test
        var id = (await client.PostAsync("/v1/scenarios/apply", bundle.ToJsonString())).Ok()["intent_id"].Str();
        var done = await UntilAsync(client, id, i => i["status"].Str() is not "WAITING", "the step timeout");
        Assert.Equal("FAILED", done["status"].Str());
        Assert.Equal("step_timeout", done["error"]!["code"].Str());
        Assert.Equal("validate_window", done["error"]!["step_id"].Str());
    }

    [Fact]
    public async Task Full_multi_agent_example_runs_two_agents_then_the_CAB_signoff()
    {
        var client = await WorkspaceAsync();
        var id = (await client.PostAsync("/v1/scenarios/apply", Example("full.multi-agent.json").ToJsonString())).Ok()["intent_id"].Str();
        var compliance = await AgentKeyAsync(client, "compliance-checker-agent");
        var risk = await AgentKeyAsync(client, "risk-assessment-agent");
        Assert.Single(await HandleDeliveriesAsync(compliance, "compliance-checker-agent", _ => new { action = "complete", passed = true }));
        await UntilAsync(client, id, i => i["pending_with"]?["ref"]?.GetValue<string>()?.EndsWith("/risk-assessment-agent", StringComparison.Ordinal) == true, "the risk step");
        Assert.Single(await HandleDeliveriesAsync(risk, "risk-assessment-agent", input => new { action = "complete", risk_score = 25, risk_level = "MEDIUM" }));
        await UntilAsync(client, id, i => i["waiting_reason"]?.GetValue<string>() == "WAITING_FOR_HUMAN", "the CAB step");
        (await client.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved", comment = "go" } })).Ok();
        var done = await IntentAsync(client, id);
        Assert.Equal("COMPLETED", done["status"].Str());
        Assert.Equal(25, done["result"]!["steps"]!["risk_assessment"]!["risk_score"]!.GetValue<int>());
    }

    [Fact]
    public async Task Human_email_example_validates_its_form_and_a_failing_agent_step_fails_the_workflow()
    {
        var client = await WorkspaceAsync();
        var id = (await client.PostAsync("/v1/scenarios/apply", Example("human.email.json").ToJsonString())).Ok()["intent_id"].Str();
        var validator = await AgentKeyAsync(client, "budget-envelope-validator");
        Assert.Single(await HandleDeliveriesAsync(validator, "budget-envelope-validator", input => new { action = "complete", within_envelope = input["amount"]!.GetValue<int>() <= 50000 }));
        await UntilAsync(client, id, i => i["waiting_reason"]?.GetValue<string>() == "WAITING_FOR_HUMAN", "the finance step");
        (await client.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved" } })).Error(HttpStatusCode.UnprocessableEntity, "form_invalid");
        (await client.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved", approved = "true", notes = "ok" } })).Ok();
        Assert.Equal("COMPLETED", (await IntentAsync(client, id))["status"].Str());

        // The same scenario whose agent says "fail": no on_failure, so the parent FAILS with the step's error.
        var failing = (await client.PostAsync("/v1/scenarios/apply", Example("human.email.json").ToJsonString())).Ok()["intent_id"].Str();
        Assert.Single(await HandleDeliveriesAsync(validator, "budget-envelope-validator", _ => new { action = "fail", within_envelope = false }));
        var failed = await UntilAsync(client, failing, i => i["status"].Str() != "WAITING", "the failing step");
        Assert.Equal("FAILED", failed["status"].Str());
        Assert.Equal("step_failed", failed["error"]!["code"].Str());
    }
}
