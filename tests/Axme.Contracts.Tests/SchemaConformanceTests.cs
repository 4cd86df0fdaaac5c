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
public sealed partial class SchemaConformanceTests
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
        { "api.media.create_upload.request.v1.json", typeof(MediaCreateUploadRequest) },
        { "api.media.create_upload.response.v1.json", typeof(MediaCreateUploadResponse) },
        { "api.media.finalize_upload.request.v1.json", typeof(MediaFinalizeUploadRequest) },
        { "api.media.finalize_upload.response.v1.json", typeof(MediaFinalizeUploadResponse) },
        { "api.media.get.response.v1.json", typeof(MediaGetResponse) },
        { "api.principals.create.request.v1.json", typeof(PrincipalCreateRequest) },
        { "api.principals.create.response.v1.json", typeof(PrincipalResponse) },
        { "api.principals.get.response.v1.json", typeof(PrincipalResponse) },
        { "api.organizations.create.request.v1.json", typeof(OrganizationCreateRequest) },
        { "api.organizations.create.response.v1.json", typeof(OrganizationResponse) },
        { "api.organizations.get.response.v1.json", typeof(OrganizationResponse) },
        { "api.organizations.update.request.v1.json", typeof(OrganizationUpdateRequest) },
        { "api.organizations.update.response.v1.json", typeof(OrganizationResponse) },
        { "api.organizations.workspaces.create.request.v1.json", typeof(WorkspaceCreateRequest) },
        { "api.organizations.workspaces.create.response.v1.json", typeof(WorkspaceResponse) },
        { "api.organizations.workspaces.list.response.v1.json", typeof(WorkspaceList) },
        { "api.organizations.workspaces.update.request.v1.json", typeof(WorkspaceUpdateRequest) },
        { "api.organizations.workspaces.update.response.v1.json", typeof(WorkspaceResponse) },
        { "api.organizations.members.add.request.v1.json", typeof(MemberAddRequest) },
        { "api.organizations.members.add.response.v1.json", typeof(MemberResponse) },
        { "api.organizations.members.list.response.v1.json", typeof(MemberList) },
        { "api.organizations.members.update.request.v1.json", typeof(MemberUpdateRequest) },
        { "api.organizations.members.update.response.v1.json", typeof(MemberResponse) },
        { "api.organizations.members.remove.response.v1.json", typeof(MemberRemoved) },
        { "api.access_requests.create.request.v1.json", typeof(AccessRequestCreateRequest) },
        { "api.access_requests.create.response.v1.json", typeof(AccessRequestResponse) },
        { "api.access_requests.get.response.v1.json", typeof(AccessRequestResponse) },
        { "api.access_requests.list.response.v1.json", typeof(AccessRequestList) },
        { "api.access_requests.review.request.v1.json", typeof(AccessRequestReviewRequest) },
        { "api.access_requests.review.response.v1.json", typeof(AccessRequestResponse) },
        { "api.invites.create.request.v1.json", typeof(InviteCreateRequest) },
        { "api.invites.create.response.v1.json", typeof(InviteCreated) },
        { "api.invites.get.response.v1.json", typeof(InviteResponse) },
        { "api.invites.accept.request.v1.json", typeof(InviteAcceptRequest) },
        { "api.invites.accept.response.v1.json", typeof(InviteAccepted) },
        { "api.quotas.get.response.v1.json", typeof(QuotaPolicyResponse) },
        { "api.quotas.update.response.v1.json", typeof(QuotaPolicyResponse) },
        { "api.usage.summary.get.response.v1.json", typeof(UsageSummaryResponse) },
        { "api.usage.timeseries.get.response.v1.json", typeof(UsageSeriesResponse) },
        { "api.aliases.bind.request.v1.json", typeof(AliasBindRequest) },
        { "api.aliases.bind.response.v1.json", typeof(AliasResponse) },
        { "api.aliases.revoke.response.v1.json", typeof(AliasResponse) },
        { "api.aliases.list.response.v1.json", typeof(AliasList) },
        { "api.aliases.resolve.response.v1.json", typeof(AliasResolveResponse) },
        { "api.routing.resolve.request.v1.json", typeof(RoutingResolveRequest) },
        { "api.routing.resolve.response.v1.json", typeof(RoutingResolveResponse) },
        { "api.routing.endpoints.register.request.v1.json", typeof(RouteRegisterRequest) },
        { "api.routing.endpoints.register.response.v1.json", typeof(RouteResponse) },
        { "api.routing.endpoints.update.request.v1.json", typeof(RouteUpdateRequest) },
        { "api.routing.endpoints.update.response.v1.json", typeof(RouteResponse) },
        { "api.routing.endpoints.list.response.v1.json", typeof(RouteList) },
        { "api.routing.endpoints.remove.response.v1.json", typeof(RouteRemoved) },
        { "api.transports.bindings.upsert.request.v1.json", typeof(TransportBindingRequest) },
        { "api.transports.bindings.upsert.response.v1.json", typeof(TransportBindingResponse) },
        { "api.transports.bindings.list.response.v1.json", typeof(TransportBindingList) },
        { "api.transports.bindings.remove.response.v1.json", typeof(TransportBindingRemoved) },
        { "api.deliveries.get.response.v1.json", typeof(DeliveryResponse) },
        { "api.deliveries.list.response.v1.json", typeof(DeliveryList) },
        { "api.deliveries.replay.response.v1.json", typeof(DeliveryResponse) },
        { "api.deliveries.submit.request.v1.json", typeof(DeliverySubmitRequest) },
        { "api.deliveries.submit.response.v1.json", typeof(DeliveryResponse) },
    };

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
