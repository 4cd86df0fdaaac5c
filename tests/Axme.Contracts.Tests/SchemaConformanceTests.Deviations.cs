namespace Axme.Contracts.Tests;

/// <summary>Where the contract knowingly differs from the official schemas, each with its reason.</summary>
public sealed partial class SchemaConformanceTests
{
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
        // Organizations and workspaces (ADR 026): ids are canonical names, given or made from the name; the path names them.
        // The quota dimensions the issue asks for beyond the gateway's seven (ADR 029).
        ("api.quotas.get.response.v1.json: quota_policy.dimensions.service_accounts", Kind.Extension, "the node's own quota dimension (issue 14: accounts, agents, open human tasks; ADR 029)"),
        ("api.quotas.get.response.v1.json: quota_policy.dimensions.active_agents", Kind.Extension, "the node's own quota dimension (issue 14: accounts, agents, open human tasks; ADR 029)"),
        ("api.quotas.get.response.v1.json: quota_policy.dimensions.open_human_tasks", Kind.Extension, "the node's own quota dimension (issue 14: accounts, agents, open human tasks; ADR 029)"),
        ("api.quotas.update.response.v1.json: quota_policy.dimensions.service_accounts", Kind.Extension, "the node's own quota dimension (issue 14: accounts, agents, open human tasks; ADR 029)"),
        ("api.quotas.update.response.v1.json: quota_policy.dimensions.active_agents", Kind.Extension, "the node's own quota dimension (issue 14: accounts, agents, open human tasks; ADR 029)"),
        ("api.quotas.update.response.v1.json: quota_policy.dimensions.open_human_tasks", Kind.Extension, "the node's own quota dimension (issue 14: accounts, agents, open human tasks; ADR 029)"),
        ("api.usage.summary.get.response.v1.json: summary.dimensions.service_accounts", Kind.Extension, "the node's own quota dimension (issue 14: accounts, agents, open human tasks; ADR 029)"),
        ("api.usage.summary.get.response.v1.json: summary.dimensions.active_agents", Kind.Extension, "the node's own quota dimension (issue 14: accounts, agents, open human tasks; ADR 029)"),
        ("api.usage.summary.get.response.v1.json: summary.dimensions.open_human_tasks", Kind.Extension, "the node's own quota dimension (issue 14: accounts, agents, open human tasks; ADR 029)"),
        ("api.usage.timeseries.get.response.v1.json: series.points[].dimensions.service_accounts", Kind.Extension, "the node's own quota dimension (issue 14: accounts, agents, open human tasks; ADR 029)"),
        ("api.usage.timeseries.get.response.v1.json: series.points[].dimensions.active_agents", Kind.Extension, "the node's own quota dimension (issue 14: accounts, agents, open human tasks; ADR 029)"),
        ("api.usage.timeseries.get.response.v1.json: series.points[].dimensions.open_human_tasks", Kind.Extension, "the node's own quota dimension (issue 14: accounts, agents, open human tasks; ADR 029)"),
        ("api.organizations.create.request.v1.json: requested_by_actor_id", Kind.Optional, "default: the caller's account, the first owner (ADR 026)"),
        ("api.organizations.create.request.v1.json: org_id", Kind.Extension, "the id to use, a canonical name (default: the name's slug; ADR 026)"),
        ("api.organizations.create.response.v1.json: organization.workspaces_count", Kind.Extension, "the create answer leaves it out (null is not written)"),
        ("api.organizations.create.response.v1.json: organization.members_count", Kind.Extension, "the create answer leaves it out (null is not written)"),
        ("api.organizations.get.response.v1.json: organization.workspaces_count", Kind.Optional, "always written by GET; only the create answer leaves it out"),
        ("api.organizations.get.response.v1.json: organization.members_count", Kind.Optional, "always written by GET; only the create answer leaves it out"),
        ("api.organizations.update.request.v1.json: org_id", Kind.Optional, "the path names the organization; a body's org_id must be the same"),
        ("api.organizations.update.response.v1.json: organization.workspaces_count", Kind.Extension, "the counts, as GET answers them"),
        ("api.organizations.update.response.v1.json: organization.members_count", Kind.Extension, "the counts, as GET answers them"),
        ("api.organizations.workspaces.create.request.v1.json: org_id", Kind.Optional, "the path names the organization; a body's org_id must be the same"),
        ("api.organizations.workspaces.create.request.v1.json: workspace_id", Kind.Extension, "the id to use, a canonical name (default: the name's slug; ADR 026)"),
        ("api.organizations.workspaces.update.request.v1.json: org_id", Kind.Optional, "the path names the organization; a body's org_id must be the same"),
        ("api.organizations.workspaces.update.request.v1.json: workspace_id", Kind.Optional, "the path names the workspace; a body's workspace_id must be the same"),
        ("api.organizations.workspaces.update.request.v1.json: environment", Kind.Extension, "the gateway's OpenAPI WorkspaceUpdateRequest has it"),
        ("api.organizations.members.add.request.v1.json: org_id", Kind.Optional, "the path names the organization; a body's org_id must be the same"),
        ("api.organizations.members.update.request.v1.json: org_id", Kind.Optional, "the path names the organization; a body's org_id must be the same"),
        ("api.organizations.members.update.request.v1.json: member_id", Kind.Optional, "the path names the member; a body's member_id must be the same"),
        ("api.principals.create.response.v1.json: principal.address", Kind.Extension, "the principal's agent address, where intents to it and its aliases go (ADR 024)"),
        ("api.principals.get.response.v1.json: principal.address", Kind.Extension, "the principal's agent address (ADR 024)"),
        // The alias resolution's principal is the gateway's short form; the node answers with the whole principal.
        ("api.aliases.resolve.response.v1.json: resolution.principal.org_id", Kind.Extension, "the whole principal, as GET /v1/principals/{id} (ADR 024)"),
        ("api.aliases.resolve.response.v1.json: resolution.principal.workspace_id", Kind.Extension, "the whole principal (ADR 024)"),
        ("api.aliases.resolve.response.v1.json: resolution.principal.metadata", Kind.Extension, "the whole principal (ADR 024)"),
        ("api.aliases.resolve.response.v1.json: resolution.principal.created_at", Kind.Extension, "the whole principal (ADR 024)"),
        ("api.aliases.resolve.response.v1.json: resolution.principal.updated_at", Kind.Extension, "the whole principal (ADR 024)"),
        ("api.aliases.resolve.response.v1.json: resolution.principal.address", Kind.Extension, "the principal's agent address (ADR 024)"),
        ("api.deliveries.list.response.v1.json: next_cursor", Kind.Extension, "paging: the cursor of the next page (ADR 025)"),
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
        ("api.webhooks.subscriptions.response.v1.json: secret", Kind.Extension, "the secret generated for a subscription created without one (the request schema makes it optional), shown once"),
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
}
