using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Axme.Contracts.Tests;

/// <summary>
/// Each contract's JSON schema, as System.Text.Json exports it from the record, against the official schema of the
/// same operation (Schemas/): a member renamed, dropped, made optional or retyped in the contract fails here, before
/// any client sees it. Every deliberate difference is in <see cref="Deviations"/> with its reason.
/// </summary>
public sealed class SchemaConformanceTests
{
    public static TheoryData<string, Type> Shared => new()
    {
        { "api.intents.create.request.v1.json", typeof(CreateIntentRequest) },
        { "api.intents.create.response.v1.json", typeof(IntentCreated) },
        { "api.intents.get.response.v1.json", typeof(IntentResponse) },
        { "api.intents.events.list.response.v1.json", typeof(IntentEventsPage) },
        { "api.intents.resolve.request.v1.json", typeof(ResolveIntentRequest) },
        { "api.intents.resolve.response.v1.json", typeof(IntentWriteResponse) },
        { "intent.event.v1.json", typeof(IntentEvent) },
        { "api.approvals.decision.request.v1.json", typeof(ApprovalDecisionRequest) },
        { "api.approvals.decision.response.v1.json", typeof(ApprovalDecisionResponse) },
        { "api.service_accounts.create.response.v1.json", typeof(ServiceAccountResponse) },
        { "api.service_accounts.get.response.v1.json", typeof(ServiceAccountResponse) },
        { "api.service_accounts.list.response.v1.json", typeof(ServiceAccountPage) },
        { "api.service_accounts.keys.create.response.v1.json", typeof(ApiKeyResponse) },
        { "api.service_accounts.keys.revoke.response.v1.json", typeof(ApiKeyResponse) },
        { "api.agents.get.response.v1.json", typeof(AgentResponse) },
        { "api.agents.list.response.v1.json", typeof(AgentPage) },
        { "api.webhooks.subscriptions.upsert.request.v1.json", typeof(WebhookSubscriptionRequest) },
        { "api.webhooks.subscriptions.response.v1.json", typeof(WebhookSubscriptionResponse) },
        { "api.webhooks.subscriptions.list.response.v1.json", typeof(WebhookSubscriptionList) },
        { "api.webhooks.subscriptions.delete.response.v1.json", typeof(WebhookSubscriptionRevoked) },
        { "api.webhooks.events.request.v1.json", typeof(WebhookEventRequest) },
        { "api.webhooks.events.response.v1.json", typeof(WebhookEventResponse) },
        { "api.webhooks.events.replay.response.v1.json", typeof(WebhookEventResponse) },
        { "api.tasks.list.response.v1.json", typeof(HumanTaskList) },
        { "api.inbox.list.response.v1.json", typeof(InboxThreadList) },
        { "api.inbox.thread.response.v1.json", typeof(InboxThreadResponse) },
        { "api.inbox.changes.response.v1.json", typeof(InboxChanges) },
        { "api.inbox.messages.delete.response.v1.json", typeof(InboxMessagesDeleted) },
        { "api.scenarios.bundle.response.v1.json", typeof(ScenarioApplied) },
        { "api.capabilities.get.response.v1.json", typeof(Capabilities) },
        { "api.schemas.get.response.v1.json", typeof(SemanticSchemaResponse) },
        { "api.schemas.upsert.response.v1.json", typeof(SemanticSchemaResponse) },
        { "api.schemas.upsert.request.v1.json", typeof(SemanticSchemaRequest) },
        { "api.inbox.reply.request.v1.json", typeof(InboxReplyRequest) },
        { "api.inbox.delegate.request.v1.json", typeof(InboxDelegateRequest) },
        { "api.inbox.decision.request.v1.json", typeof(InboxDecisionRequest) },
        { "api.inbox.messages.delete.request.v1.json", typeof(InboxMessagesDeleteRequest) },
    };

    private enum Kind
    {
        /// <summary>A member the official schema does not define (the node's extension, or a recommendation of PROTOCOL.md).</summary>
        Extension,
        /// <summary>A member the official schema requires that the contract may leave out.</summary>
        Optional,
    }

    /// <summary>Where the contract knowingly differs from the official schema: "file: path.to.member" → why.</summary>
    private static readonly Dictionary<(string Where, Kind Kind), string> Deviations = Build(
    [
        ("api.intents.create.request.v1.json: correlation_id", Kind.Optional,
            "the node generates one when absent (PROTOCOL §5.2, D11: the official .NET CreateIntentAsync omits it); the C# SDK always sends one"),
        ("api.intents.create.request.v1.json: runtime_type", Kind.Extension, "a built-in step run by the runtime (docs/api/intents.md)"),
        ("api.intents.create.request.v1.json: runtime_config", Kind.Extension, "the built-in step's configuration"),
        ("api.intents.create.response.v1.json: correlation_id", Kind.Extension, "the generated correlation id, so a client need not GET the intent for it"),
        // The intent object: PROTOCOL §5.1.6 lists what the clients read beyond the GET schema; the resolve schema's
        // intent names only the identity members, so the GET schema's durability members are extensions there.
        .. IntentObjectExtensions("api.intents.get.response.v1.json: intent."),
        .. IntentObjectExtensions("api.intents.resolve.response.v1.json: intent."),
        .. DurabilityMembers("api.intents.resolve.response.v1.json: intent."),
        ("api.intents.events.list.response.v1.json: has_more", Kind.Extension, "paging of a long history (ADR 017 §8)"),
        ("api.intents.events.list.response.v1.json: next_since", Kind.Extension, "paging of a long history (ADR 017 §8)"),
        .. EventExtensions("intent.event.v1.json: "),
        ("intent.event.v1.json: pending_with", Kind.Extension, "the holder after the event; the CLI renders it (PROTOCOL §5.1.5: recommended)"),
        ("intent.event.v1.json: details", Kind.Extension, "event-specific data (PROTOCOL §5.1.5; the resolve answer's event requires it)"),
        .. EventExtensions("api.intents.events.list.response.v1.json: events[]."),
        ("api.intents.events.list.response.v1.json: events[].pending_with", Kind.Extension, "the holder after the event (PROTOCOL §5.1.5: recommended)"),
        .. EventExtensions("api.intents.resolve.response.v1.json: event."),
        ("api.intents.resolve.request.v1.json: expected_policy_generation", Kind.Extension, "compare-and-set on the policy generation (§5.9)"),
        ("api.intents.resolve.response.v1.json: applied", Kind.Extension, "false when a write changed nothing (PROTOCOL §5.7: a replay or a lost race answers 200 with the reason)"),
        ("api.intents.resolve.response.v1.json: policy_generation", Kind.Extension, "the generation after the write, for the next compare-and-set"),
        ("api.intents.resolve.response.v1.json: reason", Kind.Extension, "why nothing was applied"),
        ("api.intents.resolve.response.v1.json: event", Kind.Optional, "absent when nothing was applied (the answer then says why in reason)"),
        ("api.intents.resolve.response.v1.json: completion_delivery", Kind.Optional, "absent when nothing was applied"),
        ("api.intents.resolve.response.v1.json: intent", Kind.Optional, "the write answer is shared with controls and policy, which answer without the intent"),
        ("api.approvals.decision.response.v1.json: approval.intent_id", Kind.Extension, "the task's intent (the approval id is the intent id, ADR 011)"),
        ("api.approvals.decision.response.v1.json: approval.status", Kind.Extension, "the intent's status after the decision"),
        // Service accounts and keys (PROTOCOL §6.2).
        .. AccountExtensions("api.service_accounts.create.response.v1.json: service_account."),
        .. AccountExtensions("api.service_accounts.get.response.v1.json: service_account."),
        .. AccountExtensions("api.service_accounts.list.response.v1.json: service_accounts[]."),
        ("api.service_accounts.get.response.v1.json: service_account.display_name", Kind.Extension, "as in the create answer"),
        ("api.service_accounts.get.response.v1.json: service_account.agent_address", Kind.Extension, "as in the create answer"),
        ("api.service_accounts.list.response.v1.json: service_accounts[].display_name", Kind.Extension, "as in the create answer"),
        ("api.service_accounts.list.response.v1.json: service_accounts[].agent_address", Kind.Extension, "as in the create answer"),
        ("api.service_accounts.create.response.v1.json: agent", Kind.Extension, "the agent as configured by the create's delivery fields (ADR 005)"),
        ("api.service_accounts.get.response.v1.json: agent", Kind.Extension, "one answer record for create and get; never written by get"),
        ("api.service_accounts.list.response.v1.json: next_cursor", Kind.Extension, "paging (ADR 018)"),
        ("api.service_accounts.list.response.v1.json: has_more", Kind.Extension, "paging (ADR 018)"),
        ("api.service_accounts.keys.create.response.v1.json: key.token", Kind.Optional,
            "one ApiKey record for every answer; the create always fills the token (ServiceAccountOperations.IssueKeyAsync, ServiceAccountTests)"),
        ("api.service_accounts.keys.create.response.v1.json: key.revoked_at", Kind.Extension, "one ApiKey record for every answer (null here)"),
        ("api.service_accounts.keys.revoke.response.v1.json: key.revoked_at", Kind.Optional,
            "one ApiKey record for every answer; a revoke always sets it (ServiceAccountGrain.RevokeKeyAsync)"),
        ("api.service_accounts.keys.revoke.response.v1.json: key.key_hint", Kind.Extension, "the revoke answers the whole key"),
        ("api.service_accounts.keys.revoke.response.v1.json: key.created_at", Kind.Extension, "the revoke answers the whole key"),
        ("api.service_accounts.keys.revoke.response.v1.json: key.expires_at", Kind.Extension, "the revoke answers the whole key"),
        ("api.service_accounts.keys.revoke.response.v1.json: key.token", Kind.Extension, "one ApiKey record; never written by a revoke"),
        // Agents (PROTOCOL §6.3, §6.5).
        .. AgentExtensions("api.agents.get.response.v1.json: agent."),
        ("api.agents.list.response.v1.json: next_cursor", Kind.Extension, "paging (ADR 018)"),
        ("api.agents.list.response.v1.json: has_more", Kind.Extension, "paging (ADR 018)"),
        // Webhooks (PROTOCOL §9.1): publish, get and replay answer one event record.
        ("api.webhooks.events.response.v1.json: replayed_at", Kind.Extension, "one event record for publish, get and replay (absent until replayed)"),
        ("api.webhooks.events.response.v1.json: deliveries", Kind.Extension, "GET /v1/webhooks/events/{id} adds every delivery and attempt"),
        ("api.webhooks.events.replay.response.v1.json: replayed_at", Kind.Optional, "one event record for publish, get and replay; a replay always sets it (WebhookEventGrain.ReplayAsync)"),
        ("api.webhooks.events.replay.response.v1.json: source", Kind.Extension, "one event record for publish, get and replay"),
        ("api.webhooks.events.replay.response.v1.json: accepted_at", Kind.Extension, "one event record for publish, get and replay"),
        ("api.webhooks.events.replay.response.v1.json: deliveries", Kind.Extension, "one event record for publish, get and replay (never written by a replay)"),
        // Inbox threads (PROTOCOL §7.6: extra members are allowed on the thread object).
        .. ThreadExtensions("api.inbox.list.response.v1.json: threads[]."),
        .. ThreadExtensions("api.inbox.thread.response.v1.json: thread."),
        .. ThreadExtensions("api.inbox.changes.response.v1.json: changes[].thread."),
        // Scenarios (PROTOCOL §8.3: POST /v1/scenarios/apply answers what the gateway's /v1/scenarios/bundle does, and more).
        ("api.scenarios.bundle.response.v1.json: ok", Kind.Extension, "every success answer has ok: true (PROTOCOL §2.3)"),
        ("api.scenarios.bundle.response.v1.json: compile_id", Kind.Extension, "the CLI prints compile_id (§8.6)"),
        ("api.scenarios.bundle.response.v1.json: agents_provisioned", Kind.Extension, "the CLI reads agents_provisioned (§8.3)"),
        ("api.scenarios.bundle.response.v1.json: warnings", Kind.Extension, "what compiles but may not be meant"),
        ("api.scenarios.bundle.response.v1.json: agents[].exists", Kind.Extension, "whether the agent exists after apply"),
        ("api.scenarios.bundle.response.v1.json: agents[].delivery_mode", Kind.Extension, "the agent's binding after apply"),
        // Semantic schemas (PROTOCOL §9.4): one record for get and upsert.
        ("api.schemas.get.response.v1.json: schema.schema_json", Kind.Optional, "one record for get and upsert; GET always fills it (SchemaEndpoints.Get)"),
        ("api.schemas.upsert.response.v1.json: schema.schema_json", Kind.Extension, "one record for get and upsert; never written by upsert"),
    ]);

    private static IEnumerable<(string, Kind, string)> ThreadExtensions(string at) =>
    [
        (at + "read_at", Kind.Extension, "when the owner last read it (POST …/read)"),
        (at + "intent_type", Kind.Extension, "the intent's type, for the inbox list"),
        (at + "org_id", Kind.Extension, "the tenant"),
        (at + "workspace_id", Kind.Extension, "the tenant"),
        (at + "timeline[].message_id", Kind.Extension, "a message's id, for POST …/messages/delete"),
        (at + "timeline[].deleted", Kind.Extension, "a deleted message stays in the timeline, marked"),
    ];

    private static IEnumerable<(string, Kind, string)> AccountExtensions(string at) =>
    [
        (at + "id", Kind.Extension, "the same id for clients that read id"),
        (at + "address", Kind.Extension, "agent_address and address both written (PROTOCOL §13 D28)"),
        (at + "kind", Kind.Extension, "agent or human (human users are accounts too, ADR 009)"),
        (at + "is_admin", Kind.Extension, "lets axme whoami tell an admin key from a workspace one"),
        (at + "keys", Kind.Extension, "the account's keys, for the account itself or an admin (ADR 017)"),
    ];

    private static IEnumerable<(string, Kind, string)> AgentExtensions(string at) =>
        from member in new[]
        {
            "agent_address", "delivery_mode", "lease_seconds", "max_delivery_attempts", "webhook_url", "webhook_secret_hint",
            "webhook_secret", "internal_handler", "org_id", "workspace_id",
        }
        select (at + member, Kind.Extension, "the agent's delivery binding and tenant (PROTOCOL §6.5, ADR 005)");

    private static IEnumerable<(string, Kind, string)> IntentObjectExtensions(string at) =>
    [
        (at + "lifecycle_status", Kind.Extension, "the CLI and every example read it (PROTOCOL §5.1.6: MUST be present)"),
        (at + "waiting_reason", Kind.Extension, "why it waits (§5.1.6)"),
        (at + "lifecycle_waiting_reason", Kind.Extension, "axme trace reads it (§5.1.6)"),
        (at + "due_at", Kind.Extension, "axme tasks get prints it (§5.1.6)"),
        (at + "runtime_type", Kind.Extension, "a built-in step"),
        (at + "runtime_config", Kind.Extension, "a built-in step's configuration"),
        (at + "wake_at", Kind.Extension, "when a step waiting for time fires"),
        (at + "answered_by", Kind.Extension, "who answered the human task"),
        (at + "handler", Kind.Extension, "the active handler (§5.1.5)"),
        (at + "result", Kind.Extension, "§5.1.5 recommendation: the result on the intent, since wait_for returns only the terminal event"),
        (at + "error", Kind.Extension, "§5.1.5 recommendation"),
        (at + "reason", Kind.Extension, "§5.1.5 recommendation"),
        (at + "policy_generation", Kind.Extension, "§5.1.6 recommendation: clients re-read the generation"),
        (at + "controls", Kind.Extension, "the intent's controls (§5.9)"),
        (at + "policy", Kind.Extension, "the intent's policy (§5.10)"),
        (at + "last_seq", Kind.Extension, "where to start following the events"),
        (at + "org_id", Kind.Extension, "the tenant"),
        (at + "workspace_id", Kind.Extension, "the tenant"),
    ];

    private static IEnumerable<(string, Kind, string)> DurabilityMembers(string at) =>
        from member in new[]
        {
            "deadline_at", "remind_after_seconds", "remind_interval_seconds", "max_reminders", "remind_count", "escalate_to",
            "max_delivery_attempts", "delivery_attempt", "human_task", "pending_with",
        }
        select (at + member, Kind.Extension, "one intent object everywhere: the GET schema's durability members");

    private static IEnumerable<(string, Kind, string)> EventExtensions(string at) =>
    [
        (at + "human_task", Kind.Extension, "on intent.human_task_assigned (PROTOCOL §5.1.5)"),
        (at + "actor_token_issuer", Kind.Extension, "who minted the actor token that spoke for the actor (ADR 017 §6)"),
        (at + "truncated", Kind.Extension, "a stream left out bulky members to keep the line short"),
    ];

    [Theory]
    [MemberData(nameof(Shared))]
    public void The_contract_has_the_official_members_names_and_types(string schemaFile, Type contract)
    {
        var official = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", schemaFile)))!.AsObject();
        var ours = Export(contract);
        var problems = new List<string>();
        Compare(schemaFile, "", official, ours, problems);
        Assert.True(problems.Count == 0, $"{contract.Name} vs {schemaFile}:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void Every_listed_deviation_is_still_one()
    {
        // A deviation that no longer differs (the schema or the contract changed) is stale: drop it from the table.
        var used = new HashSet<(string, Kind)>();
        foreach (var row in Shared)
        {
            var (file, type) = ((string)row[0], (Type)row[1]);
            var official = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", file)))!.AsObject();
            Compare(file, "", official, Export(type), [], used);
        }
        Assert.Empty(Deviations.Keys.Where(k => !used.Contains(k)).Select(k => $"{k.Where} ({k.Kind})"));
    }

    [Fact]
    public void A_renamed_member_is_caught()
    {
        // The check itself: a record whose required member is misspelt and which adds an unlisted one fails.
        var official = JsonNode.Parse("""{"type":"object","required":["ok","intent_id"],"properties":{"ok":{"type":"boolean"},"intent_id":{"type":"string"}}}""")!.AsObject();
        var problems = new List<string>();
        Compare("test.json", "", official, Export(typeof(Misspelt)), problems);
        Assert.Contains(problems, p => p.Contains("intent_id") && p.Contains("required"));
        Assert.Contains(problems, p => p.Contains("intentid") && p.Contains("not in the official schema"));
    }

    private sealed record Misspelt
    {
        public bool Ok { get; init; } = true;
        [JsonPropertyName("intentid")]
        public required string IntentId { get; init; }
    }

    /// <summary>The schema of what the contract writes: nullability as annotated, numbers strictly numbers, timestamps as strings.</summary>
    private static JsonObject Export(Type contract)
    {
        var options = new JsonSerializerOptions(AxpJson.Options)
        {
            RespectNullableAnnotations = true,
            NumberHandling = JsonNumberHandling.Strict, // reading numbers from strings is leniency, not the shape written
            // The contract's generated metadata; reflection only for this test's own Misspelt record.
            TypeInfoResolver = JsonTypeInfoResolver.Combine(AxpJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, schema) =>
            {
                // WireTimeConverter writes RFC 3339 strings; the exporter cannot see into a custom converter.
                var type = context.TypeInfo.Type;
                if (type == typeof(DateTimeOffset)) return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
                if (type == typeof(DateTimeOffset?)) return new JsonObject { ["type"] = new JsonArray("string", "null"), ["format"] = "date-time" };
                return schema;
            },
        };
        return options.GetJsonSchemaAsNode(contract, exporter).AsObject();
    }

    private static void Compare(string file, string path, JsonObject official, JsonObject ours, List<string> problems, HashSet<(string, Kind)>? used = null,
        JsonObject? root = null)
    {
        root ??= ours;
        // The exporter writes a type met twice once, then refers to it by a JSON pointer into the same document.
        if (ours["$ref"]?.GetValue<string>() is { } pointer) ours = Resolve(root, pointer);
        var officialProps = official["properties"] as JsonObject;
        var ourProps = ours["properties"] as JsonObject;
        if (officialProps is null) return; // an open object (payload, details): nothing named to compare
        if (ourProps is null)
        {
            problems.Add($"{path}: the official schema names members, the contract has none");
            return;
        }
        var ourRequired = Names(ours["required"]);
        bool Deviation(string member, Kind kind)
        {
            var key = ($"{file}: {path}{member}", kind);
            if (!Deviations.ContainsKey(key)) return false;
            used?.Add(key);
            return true;
        }

        foreach (var required in Names(official["required"]))
        {
            if (!ourProps.ContainsKey(required))
            {
                if (!Deviation(required, Kind.Optional)) problems.Add($"{path}{required}: required by the official schema, missing from the contract");
            }
            else if (!ourRequired.Contains(required) && Types(ourProps[required]).Contains("null") && !Deviation(required, Kind.Optional))
                problems.Add($"{path}{required}: required by the official schema, but the contract may leave it null or out");
        }
        foreach (var (name, ourMember) in ourProps)
        {
            if (!officialProps.TryGetPropertyValue(name, out var officialMember))
            {
                if (!Deviation(name, Kind.Extension)) problems.Add($"{path}{name}: not in the official schema (rename it back, or list it as a deviation)");
                continue;
            }
            if (officialMember is not JsonObject o || ourMember is not JsonObject m) continue;
            if (m["$ref"]?.GetValue<string>() is { } memberPointer) m = Resolve(root, memberPointer);
            var want = Types(o).Where(t => t != "null").ToArray();
            var have = Types(m);
            var missing = want.Where(t => !have.Contains(t) && !(t == "number" && have.Contains("integer"))).ToArray();
            if (want.Length > 0 && missing.Length == want.Length)
                problems.Add($"{path}{name}: official type {string.Join("|", want)}, the contract writes {string.Join("|", have.DefaultIfEmpty("anything"))}");
            if (want.Contains("object")) Compare(file, $"{path}{name}.", o, m, problems, used, root);
            if (want.Contains("array") && o["items"] is JsonObject items && m["items"] is JsonObject ourItems)
                Compare(file, $"{path}{name}[].", items, ourItems, problems, used, root);
        }
    }

    private static JsonObject Resolve(JsonObject root, string pointer)
    {
        JsonNode node = root;
        foreach (var part in pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
            node = node[part.Replace("~1", "/").Replace("~0", "~")] ?? throw new InvalidOperationException($"unresolved {pointer}");
        return node.AsObject();
    }

    private static HashSet<string> Names(JsonNode? list) => list is JsonArray a ? [.. a.Select(x => x!.GetValue<string>())] : [];

    private static HashSet<string> Types(JsonNode? schema) => schema?["type"] switch
    {
        JsonValue v => [v.GetValue<string>()],
        JsonArray a => [.. a.Select(x => x!.GetValue<string>())],
        _ => [],
    };

    private static Dictionary<(string, Kind), string> Build(IEnumerable<(string Where, Kind Kind, string Why)> rows) =>
        rows.ToDictionary(r => (r.Where, r.Kind), r => r.Why);
}
