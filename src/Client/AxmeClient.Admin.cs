using System.Globalization;
using System.Text.Json.Nodes;

namespace Axme.Client;

public sealed partial class AxmeClient
{
    // ---- human tasks (PROTOCOL §7.3–7.5) ----

    /// <summary>Pending human tasks (GET /v1/me/tasks): a human user's own, or every one of the key's workspace.</summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<HumanTaskItem>> ListMyTasksAsync(CancellationToken ct = default) =>
        ContractJson.Read<HumanTaskList>(await GetAsync("v1/me/tasks", ct)).Tasks;

    /// <summary>Answers a human task as the CLI does (POST /v1/intents/{id}/resume with <c>task_result</c>, PROTOCOL §7.4).</summary>
    /// <param name="intentId">The task's intent.</param>
    /// <param name="outcome">One of the task's allowed outcomes (approved, rejected, confirmed, submitted, …).</param>
    /// <param name="comment">A comment (required by some tasks).</param>
    /// <param name="fields">Form fields, merged into task_result at the top level.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<IntentWriteResponse> SubmitTaskResultAsync(string intentId, string outcome, string? comment = null, JsonObject? fields = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outcome);
        var result = new JsonObject();
        foreach (var (name, value) in fields ?? []) result[name] = value?.DeepClone();
        result["outcome"] = outcome;
        if (comment is not null) result["comment"] = comment;
        return ResumeIntentAsync(intentId, new JsonObject { ["task_result"] = result }, ct: ct);
    }

    /// <summary>Approves a human task: <see cref="SubmitTaskResultAsync"/> with outcome <c>approved</c>.</summary>
    /// <param name="intentId">The task's intent.</param>
    /// <param name="comment">A comment.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<IntentWriteResponse> ApproveAsync(string intentId, string? comment = null, CancellationToken ct = default) =>
        SubmitTaskResultAsync(intentId, "approved", comment, null, ct);

    /// <summary>Rejects a human task: <see cref="SubmitTaskResultAsync"/> with outcome <c>rejected</c>.</summary>
    /// <param name="intentId">The task's intent.</param>
    /// <param name="comment">A comment.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<IntentWriteResponse> RejectAsync(string intentId, string? comment = null, CancellationToken ct = default) =>
        SubmitTaskResultAsync(intentId, "rejected", comment, null, ct);

    /// <summary>Decides an approval by its id (POST /v1/approvals/{id}/decision, PROTOCOL §7.5); 409 when already decided.</summary>
    /// <param name="approvalId">The approval id (<see cref="HumanTaskItem.ApprovalId"/>).</param>
    /// <param name="approve">True to approve, false to reject.</param>
    /// <param name="comment">A comment (≤ 1000 characters).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<ApprovalDecision> DecideApprovalAsync(string approvalId, bool approve, string? comment = null, CancellationToken ct = default)
    {
        var request = new ApprovalDecisionRequest { Decision = approve ? "approve" : "reject", Comment = comment };
        var answer = ContractJson.Read<ApprovalDecisionResponse>(await PostAsync($"v1/approvals/{Seg(approvalId)}/decision", AxpJson.Node(request), ct));
        return answer.Approval;
    }

    // ---- the node ----

    /// <summary>The node's liveness answer (GET /health, PROTOCOL §9.3; no key needed): ok, service, version, …</summary>
    /// <param name="ct">Cancels the call.</param>
    public Task<JsonObject> GetHealthAsync(CancellationToken ct = default) => GetAsync("health", ct);

    // ---- service accounts and agents (PROTOCOL §6.2, §6.3) ----

    /// <summary>
    /// Registers an agent: creates its service account (idempotent by name), optionally with a delivery
    /// binding, then (unless <paramref name="createKey"/> is false) a key whose token is returned once.
    /// </summary>
    /// <param name="name">The agent's name; its address becomes agent://org/workspace/name.</param>
    /// <param name="displayName">A display name.</param>
    /// <param name="description">A description.</param>
    /// <param name="delivery">A delivery binding to set at registration.</param>
    /// <param name="createKey">Whether to create a key for it.</param>
    /// <param name="ct">Cancels the calls.</param>
    public async Task<RegisteredAgent> RegisterAgentAsync(string name, string? displayName = null, string? description = null,
        DeliveryConfig? delivery = null, bool createKey = true, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var request = new CreateServiceAccountRequest(delivery?.ToRequest() ?? new AgentDeliveryRequest())
        {
            Name = name, DisplayName = displayName, Description = description,
        };
        var created = await PostAsync("v1/service-accounts", AxpJson.Node(request), ct);
        var account = ContractJson.Read<ServiceAccount>(created["service_account"]);
        var agent = created["agent"] is JsonObject a ? ContractJson.Read<Agent>(a) : null;
        var key = createKey ? await CreateKeyAsync(account.ServiceAccountId, null, ct) : null;
        return new RegisteredAgent(account, key, agent);
    }

    /// <summary>Creates a service account (POST /v1/service-accounts; idempotent by name).</summary>
    /// <param name="name">Its name.</param>
    /// <param name="displayName">A display name.</param>
    /// <param name="description">A description.</param>
    /// <param name="orgId">Another organisation (admin keys only).</param>
    /// <param name="workspaceId">Another workspace (admin keys only).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<ServiceAccount> CreateServiceAccountAsync(string name, string? displayName = null, string? description = null,
        string? orgId = null, string? workspaceId = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var request = new CreateServiceAccountRequest { Name = name, DisplayName = displayName, Description = description, OrgId = orgId, WorkspaceId = workspaceId };
        return ContractJson.Read<ServiceAccount>((await PostAsync("v1/service-accounts", AxpJson.Node(request), ct))["service_account"]);
    }

    /// <summary>Creates a key for a service account; <see cref="ApiKey.Token"/> is shown only here.</summary>
    /// <param name="serviceAccountId">The account.</param>
    /// <param name="expiresAt">When the key expires, or null for never.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<ApiKey> CreateKeyAsync(string serviceAccountId, DateTimeOffset? expiresAt = null, CancellationToken ct = default)
    {
        var request = AxpJson.Node(new CreateKeyRequest { ExpiresAt = expiresAt });
        return ContractJson.Read<ApiKey>((await PostAsync($"v1/service-accounts/{Seg(serviceAccountId)}/keys", request, ct))["key"]);
    }

    /// <summary>Revokes a key.</summary>
    /// <param name="serviceAccountId">The account.</param>
    /// <param name="keyId">The key.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<ApiKey> RevokeKeyAsync(string serviceAccountId, string keyId, CancellationToken ct = default) =>
        ContractJson.Read<ApiKey>((await PostAsync($"v1/service-accounts/{Seg(serviceAccountId)}/keys/{Seg(keyId)}/revoke", null, ct))["key"]);

    /// <summary>
    /// Who this client's key (or actor token) belongs to, and its account: GET /v1/whoami, an extension of this node. Servers
    /// without it answer 404 (<see cref="AxmeNotFoundException"/>).
    /// </summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<WhoAmIResponse> WhoAmIAsync(CancellationToken ct = default) =>
        ContractJson.Read<WhoAmIResponse>(await GetAsync("v1/whoami", ct));

    /// <summary>The workspace's live service accounts.</summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<ServiceAccount>> ListServiceAccountsAsync(CancellationToken ct = default) =>
        ContractJson.ReadList<ServiceAccount>((await GetAsync("v1/service-accounts", ct))["service_accounts"]);

    /// <summary>
    /// The live service accounts of a workspace (GET /v1/service-accounts?org_id=…&amp;workspace_id=…, as the
    /// CLI's agent provisioning asks for them, PROTOCOL §8.6.1). A null org or workspace leaves that
    /// parameter out: the node then answers for the key's own workspace.
    /// </summary>
    /// <param name="orgId">The organisation, or null for the key's.</param>
    /// <param name="workspaceId">The workspace, or null for the key's.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<ServiceAccount>> ListServiceAccountsAsync(string? orgId, string? workspaceId, CancellationToken ct = default) =>
        ContractJson.ReadList<ServiceAccount>((await GetAsync("v1/service-accounts" + Query(("org_id", orgId), ("workspace_id", workspaceId)), ct))["service_accounts"]);

    /// <summary>A service account.</summary>
    /// <param name="serviceAccountId">The account.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<ServiceAccount> GetServiceAccountAsync(string serviceAccountId, CancellationToken ct = default) =>
        ContractJson.Read<ServiceAccount>((await GetAsync($"v1/service-accounts/{Seg(serviceAccountId)}", ct))["service_account"]);

    /// <summary>Revokes every key of a service account and deletes it (its agent leaves the directory).</summary>
    /// <param name="serviceAccountId">The account.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task DeleteServiceAccountAsync(string serviceAccountId, CancellationToken ct = default) =>
        await SendAsync(HttpMethod.Delete, $"v1/service-accounts/{Seg(serviceAccountId)}", null, NewKey(), ct);

    /// <summary>The workspace's agents.</summary>
    /// <param name="limit">At most this many (server default 100).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<Agent>> ListAgentsAsync(int? limit = null, CancellationToken ct = default) =>
        ContractJson.ReadList<Agent>((await GetAsync("v1/agents" + Query(("limit", limit?.ToString(CultureInfo.InvariantCulture))), ct))["agents"]);

    /// <summary>An agent by address (or bare name in the key's workspace).</summary>
    /// <param name="address">The agent.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<Agent> GetAgentAsync(string address, CancellationToken ct = default) =>
        ContractJson.Read<Agent>((await GetAsync($"v1/agents/{AgentPath(address)}", ct))["agent"]);

    /// <summary>Sets an agent's delivery binding (PUT /v1/agents/{address}/delivery); a generated webhook secret is in <see cref="Agent.WebhookSecret"/>, once.</summary>
    /// <param name="address">The agent.</param>
    /// <param name="delivery">The binding fields to change.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<Agent> ConfigureDeliveryAsync(string address, DeliveryConfig delivery, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return ContractJson.Read<Agent>((await SendAsync(HttpMethod.Put, $"v1/agents/{AgentPath(address)}/delivery", AxpJson.Node(delivery.ToRequest()), NewKey(), ct))["agent"]);
    }

    // ---- webhooks (PROTOCOL §9.1) ----

    /// <summary>
    /// Creates or updates a subscription (keyed by owner agent + callback URL). Created without a secret, it gets a
    /// generated one, returned once in the answer's <see cref="WebhookSubscriptionResponse.Secret"/>.
    /// </summary>
    /// <param name="callbackUrl">Where events are posted.</param>
    /// <param name="eventTypes">Event types to receive (1–32; <c>*</c> for all).</param>
    /// <param name="secret">The signing secret, or null (a new subscription then gets a generated one).</param>
    /// <param name="description">A description.</param>
    /// <param name="active">False to pause it.</param>
    /// <param name="ownerAgent">The owner (default: the key's agent).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<WebhookSubscriptionResponse> UpsertWebhookSubscriptionAsync(string callbackUrl, IEnumerable<string> eventTypes, string? secret = null,
        string? description = null, bool? active = null, string? ownerAgent = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callbackUrl);
        ArgumentNullException.ThrowIfNull(eventTypes);
        var request = new WebhookSubscriptionRequest { CallbackUrl = callbackUrl, EventTypes = [.. eventTypes], Secret = secret, Description = description, Active = active };
        var answer = await PostAsync("v1/webhooks/subscriptions" + Query(("owner_agent", ownerAgent)), AxpJson.Node(request), ct);
        return ContractJson.Read<WebhookSubscriptionResponse>(answer);
    }

    /// <summary>The subscriptions.</summary>
    /// <param name="ownerAgent">Only this owner's.</param>
    /// <param name="includeInactive">Include paused and revoked ones.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<WebhookSubscription>> ListWebhookSubscriptionsAsync(string? ownerAgent = null, bool includeInactive = false, CancellationToken ct = default)
    {
        var query = Query(("owner_agent", ownerAgent), ("include_inactive", includeInactive ? "true" : null));
        return ContractJson.Read<WebhookSubscriptionList>(await GetAsync("v1/webhooks/subscriptions" + query, ct)).Subscriptions;
    }

    /// <summary>Revokes a subscription.</summary>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task DeleteWebhookSubscriptionAsync(string subscriptionId, CancellationToken ct = default) =>
        await SendAsync(HttpMethod.Delete, $"v1/webhooks/subscriptions/{Seg(subscriptionId)}", null, NewKey(), ct);

    /// <summary>Publishes an event to the owner's matching subscriptions (delivered once per subscription, even when retried); returns the event.</summary>
    /// <param name="eventType">The event type (3–100 characters).</param>
    /// <param name="source">Its source (2–100 characters).</param>
    /// <param name="payload">Its payload (object or JsonObject).</param>
    /// <param name="ownerAgent">The owner (default: the key's agent).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<WebhookEventResponse> PublishWebhookEventAsync(string eventType, string source, object? payload = null, string? ownerAgent = null, CancellationToken ct = default)
    {
        var request = new WebhookEventRequest { EventType = eventType, Source = source, Payload = ToObject(payload, nameof(payload)) ?? [] };
        return ContractJson.Read<WebhookEventResponse>(await PostAsync("v1/webhooks/events" + Query(("owner_agent", ownerAgent)), AxpJson.Node(request), ct));
    }

    /// <summary>An event with its delivery counters and attempts (<see cref="WebhookEventResponse.Deliveries"/>).</summary>
    /// <param name="eventId">The event.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<WebhookEventResponse> GetWebhookEventAsync(string eventId, CancellationToken ct = default) =>
        ContractJson.Read<WebhookEventResponse>(await GetAsync($"v1/webhooks/events/{Seg(eventId)}", ct));

    /// <summary>Delivers an event again to every subscription whose delivery finished (409 while all are pending).</summary>
    /// <param name="eventId">The event.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<WebhookEventResponse> ReplayWebhookEventAsync(string eventId, CancellationToken ct = default) =>
        ContractJson.Read<WebhookEventResponse>(await PostAsync($"v1/webhooks/events/{Seg(eventId)}/replay", null, ct));
}
