using System.Text.Json.Nodes;
using Axme.Api.Accounts;
using Axme.Api.Agents;
using Axme.Api.Health;
using Axme.Api.Http;
using Axme.Api.Humans;
using Axme.Api.Inbox;
using Axme.Api.Intents;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Workflows;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Primitives;

namespace Axme.Api.Mcp;

/// <summary>
/// The tools (§10.4 names plus intent, task and agent tools as an extension). Each calls the code of its REST
/// endpoint (the same validation, grain calls and JSON), so MCP and REST cannot drift apart.
/// </summary>
public static partial class McpTools
{

    /// <summary>The intent type of a plain message (axme.send, axme.send_message).</summary>
    public const string MessageIntentType = "intent.message.v1";

    private static readonly (string, JsonNode, string) Owner = ("owner_agent", "string", "act for this agent (§2.8): the key's own, or any agent with an admin key");
    private static readonly (string, JsonNode, string) IdempotencyKey = ("idempotency_key", "string", "repeat a call safely: the same key gets the original answer");
    private static readonly (string, JsonNode, string) IntentId = ("intent_id", "string", "the intent's UUID");
    private static readonly (string, JsonNode, string) OrgId = ("org_id", "string", "the organization (default: the key's own)");

    private static readonly McpTool[] All =
    [
        new("axme.intents_send", "Create (send) an intent to an agent", ["to_agent", "intent_type"],
            [("to_agent", "string", "agent://org/workspace/name or a bare name in this workspace"), ("intent_type", "string", "e.g. intent.ask.v1"),
             ("payload", "object", "the intent's data"), ("correlation_id", "string", "defaults to a new UUID"),
             ("deadline_at", "string", "RFC 3339 timestamp"), ("human_task", "object", "a human task (§7.2)"), IdempotencyKey, Owner],
            SendAsync),
        new("axme.intents_get", "Get an intent", ["intent_id"], [IntentId, Owner], async c =>
            AxpJson.Node(new IntentResponse { Intent = (await IntentOperations.Grain(c.Grains, Id(c)).GetAsync(c.Caller)).ToWire() })),
        new("axme.intents_list", "List the workspace's intents, newest first", [],
            [("status", new JsonArray("string", "array"), "status names (comma list or array)"), ("to_agent", "string", "addressed to"),
             ("from_agent", "string", "sent by"), ("intent_type", "string", "type"), ("correlation_id", "string", "correlation id"),
             ("limit", "integer", "1 to 500, default 50"), ("cursor", "string", "next_cursor of the previous page"), Owner],
            async c => AxpJson.Node(await IntentOperations.ListAsync(c.Services.GetRequiredService<IntentQueries>(), c.Caller, c.AsQuery(), c.Aborted))),
        new("axme.intents_wait", "Wait until an intent is terminal (COMPLETED, FAILED, CANCELED, TIMED_OUT) or timeout_seconds pass", ["intent_id"],
            [IntentId, ("timeout_seconds", "integer", "1 to 60, default 30"), Owner], McpWait.RunAsync),
        new("axme.intents_cancel", "Cancel an intent", ["intent_id"], [IntentId, ("reason", "string", "why"), IdempotencyKey, Owner], CancelAsync),
        new("axme.tasks_list", "Pending human tasks the caller may answer", [], [Owner], async c =>
            AxpJson.Node(await TaskOperations.MyTasksAsync(c.Services.GetRequiredService<IntentQueries>(), c.Caller, c.Aborted))),
        new("axme.tasks_submit", "Answer a human task", ["intent_id", "outcome"],
            [IntentId, ("outcome", "string", "e.g. approved, rejected, submitted"), ("comment", "string", "note"),
             ("data", "object", "form data"), ("evidence", new JsonArray("array", "object"), "files that back the answer: [{\"upload_id\": …}] (axme.media_upload)"),
             IdempotencyKey, Owner],
            SubmitTaskAsync),
        new("axme.deliveries_list", "The workspace's deliveries of intents to their principals, newest first: status submitted, pending, delivered, failed or dead_lettered", [],
            [("status", "string", "only this delivery status (dead_lettered: the dead letters)"), ("principal_id", "string", "only this principal's"),
             ("limit", "integer", "1 to 500, default 50"), ("cursor", "string", "next_cursor of the previous page"), Owner],
            async c => AxpJson.Node(await c.Services.GetRequiredService<Deliveries.DeliveryService>().ListAsync(c.Caller, c.AsQuery(), c.Aborted))),
        new("axme.deliveries_get", "A delivery with every attempt (where it went, the answer, the error)", ["delivery_id"],
            [("delivery_id", "string", "dlv_…"), Owner],
            async c => AxpJson.Node(await c.Services.GetRequiredService<Deliveries.DeliveryService>().GetAsync(c.Caller,
                c.Args.String("delivery_id", 64, required: true)!, c.Aborted))),
        new("axme.deliveries_replay", "Deliver a finished (e.g. dead-lettered) delivery's payload again to its principal: a new delivery naming the original", ["delivery_id"],
            [("delivery_id", "string", "dlv_…"), IdempotencyKey, Owner],
            async c => AxpJson.Node(await c.Services.GetRequiredService<Deliveries.DeliveryService>().ReplayAsync(c.Caller,
                c.Args.String("delivery_id", 64, required: true)!, c.IdempotencyKey, c.Aborted))),
        new("axme.media_upload", "Store a file (up to 10 MiB, base64) in the workspace: ready at once, with signed download and preview links; cite it as {\"upload_id\": …}",
            ["filename", "mime_type", "content_base64"],
            [("filename", "string", "the file's name"), ("mime_type", "string", "its content type, e.g. image/png"),
             ("content_base64", "string", "its bytes, base64"), Owner],
            MediaUploadAsync),
        new("axme.media_get", "A file of the workspace: name, type, size, SHA-256, status and signed links (1 hour)", ["upload_id"],
            [("upload_id", "string", "the upload's id"), Owner],
            async c => AxpJson.Node(await c.Services.GetRequiredService<Media.MediaOperations>().GetAsync(c.Http, c.Caller,
                Media.MediaOperations.UploadId(c.Args.String("upload_id", 64, required: true)!, "upload_id"), c.Aborted))),
        .. TenancyTools(),
        .. PlatformTools(),
        new("axme.agents_list", "List the workspace's agents", [], [("limit", "integer", "1 to 1000, default 100"), Owner],
            async c => AxpJson.Node(await AgentOperations.ListAsync(c.Grains, c.Caller, c.AsQuery()))),
        new("axme.agents_register", "Register an agent: a service account and a key (the token is returned once)", ["name"],
            [("name", "string", "the agent's name"), ("display_name", "string", "display name"), ("description", "string", "description"), Owner],
            RegisterAsync) { Audit = ("account.create", "service_account", null) },
        new("axme.scenarios_validate", "Check a ScenarioBundle: every problem with its JSON path; creates nothing", ["bundle"],
            [("bundle", "object", "the ScenarioBundle (PROTOCOL §8.1)"), Owner], async c =>
                AxpJson.Node(await Scenarios.ScenarioOperations.ValidateAsync(Compiler(c), c.Caller, Bundle(c)))),
        new("axme.scenarios_apply", "Apply a ScenarioBundle: provision its agents, compile its workflow, create the parent intent", ["bundle"],
            [("bundle", "object", "the ScenarioBundle (PROTOCOL §8.1)"), IdempotencyKey, Owner], async c =>
            {
                var applied = await Scenarios.ScenarioOperations.ApplyAsync(c.Grains, Compiler(c),
                    c.Services.GetRequiredService<Agents.DeliveryQueries>(), c.Services.GetRequiredService<Grains.Interfaces.Agents.AgentCache>(),
                    c.Services.GetRequiredService<NewIntents>(), c.Caller, Bundle(c), c.IdempotencyKey, c.Aborted);
                return IntentStatusAside(AxpJson.Node(applied));
            }),
        new("axme.scenarios_list_templates", "List the workflow templates (PROTOCOL §8.5): the node's built-in ones, then the workspace's own", [], [Owner],
            async c => AxpJson.Node(await Scenarios.ScenarioRegistry.ListMacrosAsync(c.Grains, (c.Caller.OrgId, c.Caller.WorkspaceId)))),
        new("axme.scenarios_get_template", "A workflow template: its parameters (name, default, type) and its steps with {{parameter}} placeholders", ["macro_id"],
            [("macro_id", "string", "the template's id"), Owner],
            async c => AxpJson.Node(await Scenarios.ScenarioRegistry.GetMacroAsync(c.Grains, (c.Caller.OrgId, c.Caller.WorkspaceId), c.Args.String("macro_id", 255, required: true)!))),
        new("axme.scenarios_register_template", "Register or replace a workflow template of the workspace (admin keys)", ["template"],
            [("template", "object", "{macro_id, description, parameters: [{name, default, description, type}], steps}"), Owner],
            async c => AxpJson.Node(await Scenarios.ScenarioRegistry.PutMacroAsync(c.Grains, c.Caller, (c.Caller.OrgId, c.Caller.WorkspaceId),
                JsonNode.Parse(c.Args.Object("template", required: true)!)!.AsObject()))),
        new("axme.scenarios_register", "Register (or replace) a ScenarioBundle in the workspace, to start it by id", ["bundle"],
            [("bundle", "object", "the ScenarioBundle (PROTOCOL §8.1); its intent.payload is the default payload of a start"), Owner],
            async c => AxpJson.Node(await Scenarios.ScenarioRegistry.RegisterAsync(c.Grains, Compiler(c), c.Caller, Bundle(c)))),
        new("axme.scenarios_list", "List the workspace's registered scenarios", [], [Owner],
            async c => AxpJson.Node(await Scenarios.ScenarioRegistry.ListScenariosAsync(c.Grains, c.Caller))),
        new("axme.scenarios_start", "Start a registered scenario with this run's payload and template parameters: its parent intent, as apply creates it", ["scenario_id"],
            [("scenario_id", "string", "the registered scenario's id"), ("payload", "object", "the parent intent's payload (else the registered one)"),
             ("parameters", "object", "template parameters for this run"), ("deadline_at", "string", "the parent's deadline for this run (RFC 3339)"), IdempotencyKey, Owner],
            async c => IntentStatusAside(AxpJson.Node(await Scenarios.ScenarioRegistry.StartAsync(c.Grains, Compiler(c), c.Services.GetRequiredService<Agents.DeliveryQueries>(),
                c.Services.GetRequiredService<Grains.Interfaces.Agents.AgentCache>(), c.Services.GetRequiredService<NewIntents>(),
                c.Caller, c.Args.String("scenario_id", 255, required: true)!, c.Args, c.IdempotencyKey, c.Aborted)))),
        new("axme.mesh_heartbeat", "The calling agent is alive (the mesh), with what it counted since its last heartbeat", [],
            [("metrics", "object", "intents_total, intents_succeeded, intents_failed, avg_latency_ms, cost_usd"), ("version", "string", "the agent's version"),
             ("metadata", "object", "free-form facts about the agent"), Owner],
            async c => AxpJson.Node(await Mesh.MeshOperations.HeartbeatAsync(c.Grains, c.Services.GetRequiredService<Agents.DeliveryQueries>(), c.Caller,
                Query.InWorkspace(c.Owner, c.Caller), c.Args, c.Aborted))),
        new("axme.mesh_agents", "The workspace's agents with health (healthy, degraded, unreachable, killed, unknown), last heartbeat, work in flight", [],
            [("limit", "integer", "at most this many agents (100)"), ("health", "string", "only agents with this health_status"),
             ("window", "string", "day, week or month: the period of intents_period and cost_period"), Owner],
            async c => AxpJson.Node(await Mesh.MeshOperations.ListAsync(c.Grains, c.Services.GetRequiredService<Agents.DeliveryQueries>(), c.Caller, c.AsQuery(), c.Aborted))),
        new("axme.mesh_kill", "Kill an agent: every delivery to it stops at once (its intents wait), its keys may only heartbeat", ["address_id"],
            [("address_id", "string", "the agent's service account id, name or address"), ("reason", "string", "why (kept in the mesh log)"), Owner],
            async c => AxpJson.Node(await Mesh.MeshOperations.KillAsync(c.Grains, c.Services.GetRequiredService<Agents.DeliveryQueries>(), c.Caller,
                c.Args.String("address_id", 383, required: true)!, c.Args, c.Aborted))) { Audit = ("agent.kill", "agent", "address_id") },
        new("axme.mesh_resume", "Resume a killed agent: what waited for it is delivered", ["address_id"],
            [("address_id", "string", "the agent's service account id, name or address"), Owner],
            async c => AxpJson.Node(await Mesh.MeshOperations.ResumeAsync(c.Grains, c.Services.GetRequiredService<Agents.DeliveryQueries>(), c.Caller,
                c.Args.String("address_id", 383, required: true)!, c.Aborted))) { Audit = ("agent.resume", "agent", "address_id") },
        new("axme.mesh_events", "The mesh log, newest first: kills, resumes, agents coming online", [],
            [("limit", "integer", "at most this many (50)"), ("event_type", "string", "agent.killed, agent.resumed or agent.online"), Owner],
            async c => AxpJson.Node(await Mesh.MeshOperations.EventsAsync(c.Grains, c.Caller, c.AsQuery()))),
        new("axme.status", "Health and capabilities of this server", [], [Owner], c =>
        {
            var status = AxpJson.Node(HealthOperations.Liveness());
            foreach (var (k, v) in AxpJson.Node(HealthOperations.Capabilities())) status[k] = v?.DeepClone();
            status["agent"] = c.Caller.AgentAddress;
            return Task.FromResult(status);
        }),
        new("axme.send", "Send a text message to an agent (an intent with payload {text})", ["to"],
            [("to", "string", "agent address or bare name"), ("text", "string", "the message"), IdempotencyKey, Owner], SendTextAsync),
        new("axme.send_message", "Send a text message to an agent (same as axme.send)", ["to"],
            [("to", "string", "agent address or bare name"), ("text", "string", "the message"), IdempotencyKey, Owner], SendTextAsync),
        new("axme.reply", "Reply in an inbox thread", ["thread_id", "message"],
            [("thread_id", "string", "the thread's UUID"), ("message", "string", "the reply"), Owner], ReplyAsync),
        new("axme.list_inbox", "List inbox threads, newest first", [],
            [("status", "string", "pending, active or done"), ("limit", "integer", "1 to 500, default 100"), Owner], ListInboxAsync),
        new("axme.resolve_contact", "Find an agent by name or address", [],
            [("name", "string", "a bare agent name"), ("address", "string", "agent://org/workspace/name"), Owner], async c =>
            {
                var raw = c.Args.String("address", 383) ?? c.Args.String("name", 383)
                    ?? throw ProtocolException.Invalid("name", "name or address is required", "missing_field");
                return AxpJson.Node(new AgentResponse { Agent = (await AgentOperations.ResolveAsync(c.Grains, c.Caller, raw)).ToWire() });
            }),
    ];

    public static JsonArray List() => new([.. All.Select(t => (JsonNode)t.Describe())]);

    public static McpTool? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    private static string Id(McpCall c) => c.Args.String("intent_id", 64, required: true)!;

    /// <summary>The top-level status is the call's (§10.2 fixture); an intent's status moves to intent_status.</summary>
    private static JsonObject IntentStatusAside(JsonObject answer)
    {
        answer["intent_status"] = answer["status"]?.DeepClone();
        answer.Remove("status");
        return answer;
    }

    private static JsonObject Bundle(McpCall c) =>
        JsonNode.Parse(c.Args.Object("bundle", required: true)!)!.AsObject();

    private static IScenarioCompiler Compiler(McpCall c) => c.Services.GetRequiredService<IScenarioCompiler>();

    private static async Task<JsonObject> SendAsync(McpCall c)
    {
        return IntentStatusAside(AxpJson.Node(await IntentOperations.CreateAsync(c.Grains, c.Services.GetRequiredService<NewIntents>(), c.Acting, c.Args, c.IdempotencyKey)));
    }

    private static Task<JsonObject> SendTextAsync(McpCall c)
    {
        var text = c.Args.String("text", InboxOperations.MaxMessageLength) ?? "";
        var body = new JsonObject { ["to_agent"] = c.Args.String("to", 383, required: true), ["intent_type"] = MessageIntentType, ["payload"] = new JsonObject { ["text"] = text } };
        return SendAsync(c with { Args = new RequestBody(body) });
    }

    private static async Task<JsonObject> CancelAsync(McpCall c)
    {
        var body = new RequestBody(new JsonObject { ["status"] = IntentStatus.Canceled, ["reason"] = c.Args.String("reason", 2000) });
        return AxpJson.Node(IntentOperations.ResolveResponse(await IntentOperations.WriteAsync(c.Grains, c.Acting, Id(c), "resolve", body, c.IdempotencyKey, IntentOperations.ResolveWrite)));
    }

    private static async Task<JsonObject> SubmitTaskAsync(McpCall c)
    {
        var result = new JsonObject { ["outcome"] = c.Args.String("outcome", 64, required: true) };
        if (c.Args.String("comment", 2000) is { } comment) result["comment"] = comment;
        if (c.Args.Object("data") is not null) result["data"] = c.Args.Root["data"]!.DeepClone();
        if (c.Args.Root["evidence"] is { } evidence) result["evidence"] = evidence.DeepClone();
        await c.Services.GetRequiredService<Media.MediaOperations>().CheckEvidenceAsync(c.Acting, result, CancellationToken.None);
        var body = new RequestBody(new JsonObject { ["task_result"] = result });
        return AxpJson.Node(IntentOperations.WriteResponse(await IntentOperations.WriteAsync(c.Grains, c.Acting, Id(c), "resume", body, c.IdempotencyKey, IntentOperations.ResumeWrite)));
    }

    /// <summary>The most an MCP upload takes: a JSON-RPC message is no channel for large files (use create-upload's link).</summary>
    private const int MaxMcpUploadBytes = 10 * 1024 * 1024;

    private static async Task<JsonObject> MediaUploadAsync(McpCall c)
    {
        var base64 = c.Args.String("content_base64", MaxMcpUploadBytes / 3 * 4 + 8, required: true)!;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw ProtocolException.Invalid("content_base64", "content_base64 is not base64");
        }
        var caller = c.Acting;
        var media = c.Services.GetRequiredService<Media.MediaOperations>();
        using var content = new MemoryStream(bytes);
        var stored = await media.StoreAsync(caller.OrgId, caller.WorkspaceId, caller.AgentAddress, caller.ServiceAccountId,
            c.Args.String("filename", 1024, required: true)!, c.Args.String("mime_type", 255, required: true)!, bytes.Length, content, c.Aborted);
        return AxpJson.Node(new MediaGetResponse { Upload = media.Describe(c.Http, stored) });
    }

    private static async Task<JsonObject> RegisterAsync(McpCall c)
    {
        var caller = ServiceAccountOperations.ManagingCaller(c.Caller);
        var command = ServiceAccountOperations.ReadCreate(c.Args, caller);
        var (account, isNew) = await c.Grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(command.OrgId, command.WorkspaceId)).CreateServiceAccountAsync(command);
        // Registering an existing name mints a key for that account: only for itself or an admin (ADR 017).
        if (!isNew) AccountAccess.MustManage(caller, account, "get a new key");
        return Wire.Ok(("service_account", AxpJson.Node(account.ToWire())), ("agent_address", account.AgentAddress),
            ("key", AxpJson.Node(await ServiceAccountOperations.IssueKeyAsync(c.Grains, account.ServiceAccountId, null))));
    }

    private static async Task<JsonObject> ReplyAsync(McpCall c)
    {
        var message = c.Args.String("message", InboxOperations.MaxMessageLength, required: true)!;
        var thread = await InboxOperations.Grain(c.Grains, c.Args.String("thread_id", 64, required: true)!).ReplyAsync(InboxOperations.Scope(c.Caller, c.Owner), message);
        return AxpJson.Node(new InboxThreadResponse { Thread = thread.ToWire() });
    }

    private static async Task<JsonObject> ListInboxAsync(McpCall c)
    {
        var status = InboxOperations.ThreadStatus(c.Args.String("status", 16));
        var scope = InboxOperations.Scope(c.Caller, c.Owner);
        var (org, ws) = Query.Workspace(c.AsQuery(), c.Caller);
        return AxpJson.Node(await InboxOperations.ListAsync(c.Services.GetRequiredService<InboxQueries>(), new InboxFilter(org, ws, scope.OwnerAgent, status),
            c.Args.Int("limit", 1, 500) ?? 100, c.Aborted));
    }
}
