using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axme.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Axme.Api.Tests;

/// <summary>POST /mcp (PROTOCOL §10) as the official SDKs send it, and through the ModelContextProtocol C# client.</summary>
[Collection(NodeCollection.Name)]
public sealed class McpTests(NodeFixture f)
{
    /// <summary>One JSON-RPC request exactly as the SDKs send it: a UUID id, a plain JSON POST, no session headers.</summary>
    internal static async Task<(HttpResponseMessage Response, JsonObject Body)> RpcAsync(HttpClient client, string method, object parameters)
    {
        var id = Guid.NewGuid().ToString();
        var text = JsonSerializer.Serialize(new { jsonrpc = "2.0", id, method, @params = parameters });
        var response = await client.PostAsync("/mcp", new StringContent(text, Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("2.0", body["jsonrpc"].Str());
        Assert.Equal(id, body["id"].Str());
        return (response, body);
    }

    internal static async Task<JsonObject> CallAsync(HttpClient client, string tool, object arguments)
    {
        var (response, body) = await RpcAsync(client, "tools/call", new { name = tool, arguments });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = body["result"] as JsonObject ?? throw new Xunit.Sdk.XunitException($"{tool}: {body.ToJsonString()}");
        Assert.Equal(tool, result["tool"].Str());
        Assert.Equal("completed", result["status"].Str());
        Assert.False(result["isError"]!.GetValue<bool>());
        var content = Assert.Single(result["content"]!.AsArray())!;
        Assert.Equal("text", content["type"].Str());
        Assert.NotNull(JsonNode.Parse(content["text"].Str()));
        return result;
    }

    internal static async Task<JsonObject> ErrorAsync(HttpClient client, string method, object parameters, int code)
    {
        var (response, body) = await RpcAsync(client, method, parameters);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // §10: JSON-RPC errors travel with 200
        var error = body["error"] as JsonObject ?? throw new Xunit.Sdk.XunitException($"expected error {code}: {body.ToJsonString()}");
        Assert.Equal(code, error["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(error["message"].Str()));
        return error;
    }

    [Fact]
    public async Task Initialize_echoes_the_protocol_version_and_answers_plain_json()
    {
        var (response, body) = await RpcAsync(f.A, "initialize", new { protocolVersion = "2024-11-05" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("Mcp-Session-Id"));
        var result = body["result"]!;
        Assert.Equal("2024-11-05", result["protocolVersion"].Str());
        Assert.False(result["capabilities"]!["tools"]!["listChanged"]!.GetValue<bool>());
        Assert.Equal("axme-orleans", result["serverInfo"]!["name"].Str());
    }

    [Fact]
    public async Task Tools_list_gives_every_tool_an_object_schema_with_typed_properties()
    {
        var (_, body) = await RpcAsync(f.A, "tools/list", new { });
        var tools = body["result"]!["tools"]!.AsArray().Select(t => t!.AsObject()).ToList();
        string[] expected = ["axme.intents_send", "axme.intents_get", "axme.intents_list", "axme.intents_wait", "axme.intents_cancel",
            "axme.tasks_list", "axme.tasks_submit", "axme.agents_list", "axme.agents_register", "axme.status",
            "axme.scenarios_validate", "axme.scenarios_apply", "axme.scenarios_list_templates", "axme.scenarios_get_template",
            "axme.scenarios_register_template", "axme.scenarios_register", "axme.scenarios_list", "axme.scenarios_start",
            "axme.mesh_heartbeat", "axme.mesh_agents", "axme.mesh_kill", "axme.mesh_resume", "axme.mesh_events",
            "axme.media_upload", "axme.media_get", "axme.deliveries_list", "axme.deliveries_get", "axme.deliveries_replay",
            "axme.organizations_list", "axme.organizations_get", "axme.organizations_create", "axme.organizations_update", "axme.workspaces_list",
            "axme.workspaces_create", "axme.workspaces_update", "axme.members_list", "axme.members_add", "axme.members_update", "axme.members_remove",
            "axme.quota_show", "axme.quota_update", "axme.usage_timeseries", "axme.sessions_list", "axme.sessions_revoke", "axme.check_nick",
            "axme.resolve_nick", "axme.invites_create", "axme.access_requests_create", "axme.access_requests_list", "axme.access_requests_review",
            "axme.send", "axme.send_message", "axme.reply", "axme.list_inbox", "axme.resolve_contact"];
        Assert.True(tools.Count >= 48, "the platform's tool set (issue 14)");
        Assert.Equal(expected.Order(), tools.Select(t => t["name"].Str()).Order());
        foreach (var tool in tools)
        {
            var schema = tool["inputSchema"]!.AsObject();
            Assert.Equal("object", schema["type"].Str());
            var properties = schema["properties"]!.AsObject();
            foreach (var required in schema["required"]!.AsArray()) Assert.True(properties.ContainsKey(required.Str()), $"{tool["name"]}: {required}");
            foreach (var (_, property) in properties) Assert.NotNull(property!["type"]);
        }
        var send = tools.Single(t => t["name"].Str() == "axme.send")["inputSchema"]!;
        Assert.Equal(["to"], send["required"]!.AsArray().Select(r => r.Str()));
        Assert.Equal("string", send["properties"]!["to"]!["type"].Str());
    }

    [Fact]
    public async Task Intents_send_then_get_and_wait_use_the_intent_api()
    {
        var sent = await CallAsync(f.A, "axme.intents_send", new
        {
            to_agent = "mcp-worker", intent_type = "intent.test.mcp.v1", payload = new { n = 7 }, correlation_id = "mcp-corr-1",
        });
        var id = sent["intent_id"].Str();
        Assert.Equal("SUBMITTED", sent["intent_status"].Str());
        Assert.Equal(id, JsonNode.Parse(sent["content"]![0]!["text"].Str())!["intent_id"].Str());

        var got = await CallAsync(f.A, "axme.intents_get", new { intent_id = id });
        Assert.Equal("agent://acme/prod/mcp-worker", got["intent"]!["to_agent"].Str());
        Assert.Equal(7, got["intent"]!["payload"]!["n"]!.GetValue<int>());
        // The same intent over REST: one code path.
        Assert.Equal("mcp-corr-1", (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["correlation_id"].Str());

        var early = await CallAsync(f.A, "axme.intents_wait", new { intent_id = id, timeout_seconds = 1 });
        Assert.True(early["timed_out"]!.GetValue<bool>());

        var waiting = CallAsync(f.A, "axme.intents_wait", new { intent_id = id, timeout_seconds = 30 });
        // Past two keepalive intervals (1 s here): the wait has subscribed again twice and still takes the end at once.
        await Task.Delay(2500);
        (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { answer = 42 } })).Ok();
        var done = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(done["terminal"]!.GetValue<bool>());
        Assert.Equal("COMPLETED", done["intent"]!["status"].Str());
    }

    [Fact]
    public async Task Send_cancel_list_and_idempotency_key_behave_like_rest()
    {
        var key = Guid.NewGuid().ToString();
        var first = await CallAsync(f.A, "axme.send", new { to = "mcp-chat", text = "hello", idempotency_key = key });
        var again = await CallAsync(f.A, "axme.send_message", new { to = "mcp-chat", text = "hello", idempotency_key = key });
        Assert.Equal(first["intent_id"].Str(), again["intent_id"].Str());
        var id = first["intent_id"].Str();
        var intent = (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
        Assert.Equal("hello", intent["payload"]!["text"].Str());

        var listed = await CallAsync(f.A, "axme.intents_list", new { to_agent = "mcp-chat", limit = 10 });
        Assert.Contains(listed["intents"]!.AsArray(), i => i!["intent_id"].Str() == id);

        var canceled = await CallAsync(f.A, "axme.intents_cancel", new { intent_id = id, reason = "no longer needed" });
        Assert.Equal("CANCELED", canceled["intent"]!["status"].Str());
    }

    [Fact]
    public async Task Errors_carry_the_section_10_3_codes()
    {
        await ErrorAsync(f.A, "tools/call", new { name = "axme.nope", arguments = new { } }, -32601);
        await ErrorAsync(f.A, "resources/list", new { }, -32601);
        var missing = await ErrorAsync(f.A, "tools/call", new { name = "axme.intents_send", arguments = new { intent_type = "intent.test.mcp.v1" } }, -32602);
        Assert.Equal("to_agent", missing["data"]!["details"]!["field"].Str());
        await ErrorAsync(f.A, "tools/call", new { name = "axme.intents_send", arguments = new { to_agent = "x-agent", intent_type = "Not A Type" } }, -32602);
        await ErrorAsync(f.A, "tools/call", new { name = "axme.intents_get", arguments = new { intent_id = Guid.NewGuid().ToString() } }, -32602);

        using var anonymous = new HttpClient { BaseAddress = f.Node.BaseAddress };
        var unauthenticated = await ErrorAsync(anonymous, "tools/list", new { }, -32001);
        Assert.Equal("missing_platform_api_key", unauthenticated["data"]!["code"].Str());
        using var wrongKey = f.Node.CreateClient("axme_sa_nobody_wrong");
        await ErrorAsync(wrongKey, "initialize", new { protocolVersion = "2024-11-05" }, -32001);

        // Another workspace: its intents list and acting for its agent are forbidden.
        await ErrorAsync(f.A, "tools/call", new { name = "axme.intents_list", arguments = new { org_id = "other", workspace_id = "ws" } }, -32003);
        await ErrorAsync(f.A, "tools/call", new { name = "axme.send", arguments = new { to = "mcp-chat", text = "hi" }, owner_agent = "agent://other/ws/beta" }, -32003);
    }

    [Fact]
    public async Task Owner_agent_in_params_or_arguments_follows_the_rest_rules()
    {
        // A key may name its own agent (bare or full), in either place; two different owners are refused.
        var own = await CallAsync(f.A, "axme.send", new { to = "mcp-chat", text = "as myself", owner_agent = "alpha" });
        Assert.Equal(f.AgentA, (await f.A.GetJsonAsync($"/v1/intents/{own["intent_id"].Str()}")).Ok()["intent"]!["from_agent"].Str());
        await ErrorAsync(f.A, "tools/call", new { name = "axme.send", arguments = new { to = "mcp-chat", owner_agent = "alpha" }, owner_agent = "someone" }, -32602);
        await ErrorAsync(f.A, "tools/call", new { name = "axme.intents_cancel", arguments = new { intent_id = own["intent_id"].Str(), owner_agent = "someone-else" } }, -32003);

        // An admin key may act for any agent: the intent is sent as that agent.
        var asAgent = await CallAsync(f.Admin, "axme.send", new { to = "agent://acme/prod/mcp-chat", text = "for alpha", owner_agent = f.AgentA });
        Assert.Equal(f.AgentA, (await f.Admin.GetJsonAsync($"/v1/intents/{asAgent["intent_id"].Str()}")).Ok()["intent"]!["from_agent"].Str());
    }

    [Fact]
    public async Task Agents_register_resolve_status_and_inbox_tools_work()
    {
        var name = "mcp-agent-" + Guid.NewGuid().ToString("N")[..8];
        var registered = await CallAsync(f.A, "axme.agents_register", new { name });
        var token = registered["key"]!["token"].Str();
        Assert.Equal($"agent://acme/prod/{name}", registered["agent_address"].Str());
        using var agent = f.Node.CreateClient(token);
        Assert.Equal($"agent://acme/prod/{name}", (await CallAsync(agent, "axme.status", new { }))["agent"].Str());

        var contact = await CallAsync(f.A, "axme.resolve_contact", new { name });
        Assert.Equal($"agent://acme/prod/{name}", contact["agent"]!["address"].Str());
        Assert.Contains((await CallAsync(f.A, "axme.agents_list", new { }))["agents"]!.AsArray(), a => a!.ToJsonString().Contains(name));

        // A completion with reply_to lands in the agent's inbox; it lists and replies there over MCP.
        var id = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.mcp.v1", to_agent = "mcp-worker", reply_to = name })).Ok()["intent_id"].Str();
        (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { ok = 1 } })).Ok();
        var inbox = await CallAsync(agent, "axme.list_inbox", new { });
        Assert.Contains(inbox["threads"]!.AsArray(), t => t!["thread_id"].Str() == id);
        var replied = await CallAsync(agent, "axme.reply", new { thread_id = id, message = "thanks" });
        Assert.Equal(id, replied["thread"]!["thread_id"].Str());
    }

    [Fact]
    public async Task The_ModelContextProtocol_client_lists_and_calls_tools()
    {
        using var http = f.Node.CreateClient(f.A.DefaultRequestHeaders.GetValues("x-api-key").Single());
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(f.Node.BaseAddress, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
        }, http);
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = "2025-06-18" });
        Assert.Equal("axme-orleans", client.ServerInfo?.Name);

        var tools = await client.ListToolsAsync();
        Assert.Contains(tools, t => t.Name == "axme.intents_send");

        var sent = await client.CallToolAsync("axme.intents_send", new Dictionary<string, object?>
        {
            ["to_agent"] = "mcp-worker", ["intent_type"] = "intent.test.mcp.v1", ["payload"] = new Dictionary<string, object?> { ["via"] = "sdk" },
        });
        Assert.NotEqual(true, sent.IsError);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(sent.Content)).Text;
        var id = JsonNode.Parse(text)!["intent_id"].Str();
        Assert.Equal("sdk", (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["payload"]!["via"].Str());

        var tasks = await client.CallToolAsync("axme.tasks_list", new Dictionary<string, object?>());
        Assert.NotNull(JsonNode.Parse(Assert.IsType<TextContentBlock>(Assert.Single(tasks.Content)).Text)!["tasks"]);
    }

    [Fact]
    public async Task The_ModelContextProtocol_client_manages_an_organization_with_the_tenancy_tools()
    {
        using var http = f.Node.CreateClient(); // the admin key
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(f.Node.BaseAddress, "/mcp") }, http);
        await using var client = await McpClient.CreateAsync(transport);
        var org = "mcp-sdk-" + Guid.NewGuid().ToString("N")[..6];
        async Task<JsonNode> Call(string tool, Dictionary<string, object?> args)
        {
            var result = await client.CallToolAsync(tool, args);
            Assert.NotEqual(true, result.IsError);
            return JsonNode.Parse(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text)!;
        }
        Assert.Equal(org, (await Call("axme.organizations_create", new() { ["name"] = "MCP SDK Org", ["org_id"] = org }))["organization"]!["org_id"].Str());
        Assert.Equal("main", (await Call("axme.workspaces_create", new() { ["org_id"] = org, ["name"] = "Main", ["environment"] = "sandbox" }))["workspace"]!["workspace_id"].Str());
        var member = (await Call("axme.members_add", new() { ["org_id"] = org, ["actor_id"] = "usr_sdk", ["role"] = "member", ["workspace_id"] = "main" }))["member"]!;
        Assert.Equal(2, (await Call("axme.members_list", new() { ["org_id"] = org }))["members"]!.AsArray().Count);
        Assert.Equal("suspended", (await Call("axme.workspaces_update", new() { ["org_id"] = org, ["workspace_id"] = "main", ["status"] = "suspended" }))["workspace"]!["status"].Str());
        Assert.True((await Call("axme.members_remove", new() { ["org_id"] = org, ["member_id"] = member["member_id"].Str() }))["removed"]!.GetValue<bool>());
        Assert.Equal(1, (await Call("axme.organizations_get", new() { ["org_id"] = org }))["organization"]!["workspaces_count"]!.GetValue<int>());
        // The quota, usage and nick tools.
        Assert.Equal(5L, (await Call("axme.quota_update", new() { ["org_id"] = org, ["workspace_id"] = "main", ["dimensions"] = new Dictionary<string, long> { ["open_human_tasks"] = 5 } }))
            ["quota_policy"]!["dimensions"]!["open_human_tasks"]!.GetValue<long>());
        Assert.Equal(5L, (await Call("axme.quota_show", new() { ["org_id"] = org, ["workspace_id"] = "main" }))["usage_summary"]!["dimensions"]!["open_human_tasks"]!["limit"]!.GetValue<long>());
        Assert.Single((await Call("axme.usage_timeseries", new() { ["org_id"] = org, ["workspace_id"] = "main", ["window_days"] = 1 }))["series"]!["points"]!.AsArray());
        Assert.True((await Call("axme.check_nick", new() { ["nick"] = "sdk" + org.Replace("-", "") }))["available"]!.GetValue<bool>());
        Assert.False((await Call("axme.resolve_nick", new() { ["nick"] = "sdk" + org.Replace("-", "") }))["resolved"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_ModelContextProtocol_client_connects_with_its_default_options()
    {
        // No ProtocolVersion set: the SDK's own default revision still connects and lists tools.
        using var http = f.Node.CreateClient(f.A.DefaultRequestHeaders.GetValues("x-api-key").Single());
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(f.Node.BaseAddress, "/mcp") }, http);
        await using var client = await McpClient.CreateAsync(transport);
        Assert.Contains(await client.ListToolsAsync(), t => t.Name == "axme.status");
    }

    [Fact]
    public async Task Scenarios_are_validated_and_applied_through_MCP_tools()
    {
        var (client, _) = await f.TenantAsync("mcpscn", "s" + Guid.NewGuid().ToString("N")[..8], "operator");
        var bad = await CallAsync(client, "axme.scenarios_validate", new { bundle = new { scenario_id = "x", workflow = new { steps = Array.Empty<object>() } } });
        Assert.False(bad["valid"]!.GetValue<bool>());
        Assert.Contains(bad["errors"]!.AsArray(), e => e!.GetValue<string>().StartsWith("intent:", StringComparison.Ordinal));
        var bundle = new
        {
            scenario_id = "mcp.wait.v1",
            workflow = new { steps = new[] { new { step_id = "pause", runtime_type = "delay", runtime_config = new { seconds = 1 } } } },
            intent = new { type = "intent.mcp.wait.v1", payload = new { n = 1 } },
        };
        var applied = await CallAsync(client, "axme.scenarios_apply", new { bundle, idempotency_key = "mcp-apply-1" });
        Assert.Equal("axme.scenarios_apply", applied["tool"]!.GetValue<string>());
        var id = applied["intent_id"]!.GetValue<string>();
        var again = await CallAsync(client, "axme.scenarios_apply", new { bundle, idempotency_key = "mcp-apply-1" });
        Assert.Equal(id, again["intent_id"]!.GetValue<string>());
        Assert.True(again["idempotent"]!.GetValue<bool>());
        var done = await CallAsync(client, "axme.intents_wait", new { intent_id = id, timeout_seconds = 20 });
        Assert.Equal("COMPLETED", done["intent"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Templates_and_registered_scenarios_are_reached_through_MCP_tools_on_the_REST_code_paths()
    {
        var ws = "t" + Guid.NewGuid().ToString("N")[..8];
        var (client, _) = await f.TenantAsync("mcptpl", ws, "operator");
        var templates = await CallAsync(client, "axme.scenarios_list_templates", new { });
        Assert.Contains(templates["macros"]!.AsArray(), m => m!["macro_id"]!.GetValue<string>() == "delivery.stream.v1");
        var template = await CallAsync(client, "axme.scenarios_get_template", new { macro_id = "internal.timeout.v1" });
        Assert.Equal("15", template["macro"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "step_deadline_seconds")!["default"]!.GetValue<string>());
        var waitTemplate = new
        {
            macro_id = "mcp.pause.v1", description = "a pause",
            parameters = new[] { new { name = "seconds", type = "integer", @default = "1" } },
            steps = new[] { new { step_id = "pause", runtime_type = "delay", runtime_config = new { seconds = "{{seconds}}" } } },
        };
        var refused = await ErrorAsync(client, "tools/call", new { name = "axme.scenarios_register_template", arguments = new { template = waitTemplate } }, -32003);
        Assert.Equal("admin_required", refused["data"]!["code"].Str());
        (await f.Admin.PostAsync($"/v1/tool-registry/macros?org_id=mcptpl&workspace_id={ws}", waitTemplate)).Ok();

        var registered = await CallAsync(client, "axme.scenarios_register", new
        {
            bundle = new { scenario_id = "mcp.pause.v1", workflow = new { macro_id = "mcp.pause.v1" }, intent = new { type = "intent.mcp.pause.v1", payload = new { n = 1 } } },
        });
        Assert.Equal("mcp.pause.v1", registered["scenario"]!["macro_id"]!.GetValue<string>());
        Assert.Single((await CallAsync(client, "axme.scenarios_list", new { }))["scenarios"]!.AsArray());
        var started = await CallAsync(client, "axme.scenarios_start", new { scenario_id = "mcp.pause.v1", payload = new { n = 2 }, parameters = new { seconds = 1 }, idempotency_key = "mcp-start-1" });
        var id = started["intent_id"]!.GetValue<string>();
        Assert.Equal(id, (await CallAsync(client, "axme.scenarios_start", new { scenario_id = "mcp.pause.v1", payload = new { n = 2 }, parameters = new { seconds = 1 }, idempotency_key = "mcp-start-1" }))["intent_id"]!.GetValue<string>());
        var done = await CallAsync(client, "axme.intents_wait", new { intent_id = id, timeout_seconds = 20 });
        Assert.Equal("COMPLETED", done["intent"]!["status"]!.GetValue<string>());
        Assert.Equal(2, done["intent"]!["payload"]!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_mesh_is_reached_through_MCP_tools_on_the_REST_code_paths()
    {
        var ws = "m" + Guid.NewGuid().ToString("N")[..8];
        var (op, _) = await f.TenantAsync("mcpmesh", ws, "operator");
        var sa = (await op.PostAsync("/v1/service-accounts", new { name = "worker" })).Ok()["service_account"]!;
        var worker = f.Node.CreateClient((await op.PostAsync($"/v1/service-accounts/{sa["service_account_id"].Str()}/keys", new { })).Ok()["key"]!["token"].Str());

        var beat = await CallAsync(worker, "axme.mesh_heartbeat", new { metrics = new { intents_total = 3, intents_failed = 0 }, version = "1.0" });
        Assert.Equal("healthy", beat["agent"]!["health_status"].Str());
        var agents = await CallAsync(op, "axme.mesh_agents", new { window = "week" });
        Assert.Equal(3, agents["agents"]!.AsArray().Single(a => a!["address"].Str() == sa["agent_address"].Str())!["intents_period"]!.GetValue<long>());
        Assert.Equal("killed", (await CallAsync(op, "axme.mesh_kill", new { address_id = "worker", reason = "mcp test" }))["agent"]!["health_status"].Str());
        var refused = await ErrorAsync(worker, "tools/call", new { name = "axme.intents_list", arguments = new { } }, -32003);
        Assert.Contains("killed", refused["message"].Str());
        Assert.Equal("healthy", (await CallAsync(op, "axme.mesh_resume", new { address_id = sa["service_account_id"].Str() }))["agent"]!["health_status"].Str());
        var events = await CallAsync(op, "axme.mesh_events", new { event_type = "agent.killed" });
        Assert.Equal("mcp test", Assert.Single(events["events"]!.AsArray())!["details"]!["reason"].Str());
    }
    [Fact]
    public async Task Media_and_delivery_tools_run_the_REST_operations()
    {
        var uploaded = await CallAsync(f.A, "axme.media_upload", new { filename = "note.txt", mime_type = "text/plain", content_base64 = Convert.ToBase64String("hello"u8.ToArray()) });
        var upload = uploaded["upload"]!;
        Assert.Equal("ready", upload["status"].Str());
        Assert.Equal(5, upload["size_bytes"]!.GetValue<long>());
        Assert.Equal("hello", await new HttpClient().GetStringAsync(upload["download_url"].Str()));
        Assert.Equal("note.txt", (await CallAsync(f.A, "axme.media_get", new { upload_id = upload["upload_id"].Str() }))["upload"]!["filename"].Str());

        var to = "mcp-deliveries-" + Guid.NewGuid().ToString("N")[..6];
        var intent = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.mcp.v1", to_agent = to, payload = new { n = 1 } })).Ok()["intent_id"].Str();
        var dlv = "dlv_" + Guid.Parse(intent).ToString("N");
        var listed = await CallAsync(f.A, "axme.deliveries_list", new { status = "submitted", limit = 500 });
        Assert.Contains(listed["deliveries"]!.AsArray(), d => d!["delivery_id"].Str() == dlv);
        Assert.Equal("submitted", (await CallAsync(f.A, "axme.deliveries_get", new { delivery_id = dlv }))["delivery"]!["status"].Str());
        await ErrorAsync(f.A, "tools/call", new { name = "axme.deliveries_replay", arguments = new { delivery_id = dlv } }, -32602); // still in flight
    }

    [Fact]
    public async Task Quota_session_and_nick_tools_run_the_REST_operations()
    {
        var org = "mcp-q-" + Guid.NewGuid().ToString("N")[..6];
        await Tenants.EnsureWorkspaceAsync(f.Admin, org, "main");
        var set = await CallAsync(f.Admin, "axme.quota_update", new { org_id = org, workspace_id = "main", dimensions = new { intents_per_day = 9 } });
        Assert.Equal(9L, set["quota_policy"]!["dimensions"]!["intents_per_day"]!.GetValue<long>());
        var shown = await CallAsync(f.Admin, "axme.quota_show", new { org_id = org, workspace_id = "main", window = "week" });
        Assert.Equal((9L, 63L), (shown["quota_policy"]!["dimensions"]!["intents_per_day"]!.GetValue<long>(),
            shown["usage_summary"]!["dimensions"]!["intents_per_day"]!["limit"]!.GetValue<long>())); // a week of days
        Assert.Equal(2, (await CallAsync(f.Admin, "axme.usage_timeseries", new { org_id = org, workspace_id = "main", window_days = 2 }))["series"]!["points"]!.AsArray().Count);
        await ErrorAsync(f.A, "tools/call", new { name = "axme.quota_update", arguments = new { dimensions = new { intents_per_day = 1 } } }, -32003); // admin keys only
        await ErrorAsync(f.A, "tools/call", new { name = "axme.quota_show", arguments = new { org_id = org, workspace_id = "main" } }, -32003); // another workspace
        Assert.Contains((await f.Admin.GetJsonAsync($"/v1/audit/events?org_id={org}&action_prefix=quota.")).Ok()["events"]!.AsArray(),
            e => e!["details"]!["via"].Str() == "mcp");

        var nick = "mcpnick" + Guid.NewGuid().ToString("N")[..6];
        var check = await CallAsync(f.A, "axme.check_nick", new { nick = "@" + nick });
        Assert.Equal((true, "@" + nick), (check["available"]!.GetValue<bool>(), check["normalized_nick"].Str()));
        Assert.False((await CallAsync(f.A, "axme.resolve_nick", new { nick }))["resolved"]!.GetValue<bool>());

        // An invitation made through MCP is accepted over REST; an access request asked and decided through MCP.
        var invite = await CallAsync(f.A, "axme.invites_create", new { recipient_hint = "Ada", ttl_seconds = 600 });
        using var stranger = new HttpClient { BaseAddress = f.Node.BaseAddress };
        Assert.Equal("pending", (await stranger.GetJsonAsync($"/v1/invites/{invite["token"].Str()}")).Ok()["status"].Str());
        var asked = (await CallAsync(f.A, "axme.access_requests_create", new { request_type = "join_organization", org_id = org, workspace_id = "main" }))["access_request"]!;
        Assert.Contains((await CallAsync(f.Admin, "axme.access_requests_list", new { org_id = org, state = "pending" }))["access_requests"]!.AsArray(),
            r => r!["access_request_id"].Str() == asked["access_request_id"].Str());
        await ErrorAsync(f.A, "tools/call", new { name = "axme.access_requests_review", arguments = new { access_request_id = asked["access_request_id"].Str(), decision = "approve" } }, -32003);
        Assert.Equal("approved", (await CallAsync(f.Admin, "axme.access_requests_review", new { access_request_id = asked["access_request_id"].Str(), decision = "approve" }))
            ["access_request"]!["state"].Str());

        // Sessions: a person signed in with a password lists and ends their sessions through MCP with the access token.
        var email = $"m{Guid.NewGuid():N}"[..12] + "@example.com";
        (await f.Admin.PostAsync("/v1/users", new { org_id = "acme", workspace_id = "prod", name = email.Split('@')[0], email })).Ok();
        (await f.Admin.PostAsync("/v1/auth/register-password", new { email, password = "correct horse battery" })).Ok();
        using var anonymous = new HttpClient { BaseAddress = f.Node.BaseAddress };
        var first = (await anonymous.PostAsync("/v1/auth/login", new { email, password = "correct horse battery" })).Ok();
        var second = (await anonymous.PostAsync("/v1/auth/login", new { email, password = "correct horse battery" })).Ok();
        using var person = new HttpClient { BaseAddress = f.Node.BaseAddress };
        person.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", first["account_session_token"].Str());
        var sessions = (await CallAsync(person, "axme.sessions_list", new { }))["sessions"]!.AsArray();
        Assert.Equal(first["session_id"].Str(), sessions.Single(x => x!["is_current"]!.GetValue<bool>())!["session_id"].Str());
        Assert.Contains(sessions, x => x!["session_id"].Str() == second["session_id"].Str());
        await CallAsync(person, "axme.sessions_revoke", new { session_id = second["session_id"].Str() });
        using var revoked = new HttpClient { BaseAddress = f.Node.BaseAddress };
        revoked.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", second["account_session_token"].Str());
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetJsonAsync("/v1/auth/sessions")).Status);
    }

    [Fact]
    public async Task Tenancy_tools_run_the_REST_operations()
    {
        var org = "mcp-org-" + Guid.NewGuid().ToString("N")[..6];
        var created = await CallAsync(f.Admin, "axme.organizations_create", new { name = "MCP Org", org_id = org });
        Assert.Equal(org, created["organization"]!["org_id"].Str());
        Assert.Equal("staging", (await CallAsync(f.Admin, "axme.workspaces_create", new { org_id = org, name = "Ops", environment = "staging" }))["workspace"]!["environment"].Str());
        Assert.Contains((await CallAsync(f.Admin, "axme.organizations_list", new { }))["organizations"]!.AsArray(), o => o!["org_id"].Str() == org);
        Assert.Equal(1, (await CallAsync(f.Admin, "axme.organizations_get", new { org_id = org }))["organization"]!["workspaces_count"]!.GetValue<int>());
        Assert.Equal("ops", Assert.Single((await CallAsync(f.Admin, "axme.workspaces_list", new { org_id = org }))["workspaces"]!.AsArray())!["workspace_id"].Str());
        Assert.Equal("suspended", (await CallAsync(f.Admin, "axme.workspaces_update", new { org_id = org, workspace_id = "ops", status = "suspended" }))["workspace"]!["status"].Str());
        Assert.Equal("Renamed", (await CallAsync(f.Admin, "axme.organizations_update", new { org_id = org, name = "Renamed" }))["organization"]!["name"].Str());
        var member = (await CallAsync(f.Admin, "axme.members_add", new { org_id = org, actor_id = "usr_mcp", role = "member" }))["member"]!;
        Assert.Equal("org_admin", (await CallAsync(f.Admin, "axme.members_update", new { org_id = org, member_id = member["member_id"].Str(), role = "org_admin" }))["member"]!["role"].Str());
        Assert.Equal(2, (await CallAsync(f.Admin, "axme.members_list", new { org_id = org }))["members"]!.AsArray().Count);
        Assert.True((await CallAsync(f.Admin, "axme.members_remove", new { org_id = org, member_id = member["member_id"].Str() }))["removed"]!.GetValue<bool>());
        // Audited like their REST routes (ADR 028).
        var audited = (await f.Admin.GetJsonAsync($"/v1/audit/events?org_id={org}&action_prefix=member.")).Ok()["events"]!.AsArray();
        Assert.Equal(["member.remove", "member.update", "member.add"], audited.Select(e => e!["action"].Str()));
        Assert.All(audited, e => Assert.Equal("mcp", e!["details"]!["via"].Str()));

        // A workspace key reads its own organization by default, and may not create one.
        Assert.Equal("acme", (await CallAsync(f.A, "axme.organizations_get", new { }))["organization"]!["org_id"].Str());
        await ErrorAsync(f.A, "tools/call", new { name = "axme.organizations_create", arguments = new { name = "Mine" } }, -32003);
    }
}
