using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;

namespace Axme.Cli;

/// <summary>An agent to provision: a bundle's <c>agents[]</c> entry with <c>create_if_missing</c>, or a built-in agent of an example.</summary>
/// <param name="Address">Its address as the bundle names it: a bare name or an agent:// URI. It is also the service account's name.</param>
/// <param name="DisplayName">Its display name.</param>
/// <param name="DeliveryMode">The bundle's delivery_mode, if any.</param>
public sealed record AgentSpec(string Address, string? DisplayName, string? DeliveryMode);

/// <summary>One entry of scenario-agents.json: an agent's key for one node.</summary>
/// <param name="Address">The node's address of the agent (or the given one when the node sent none).</param>
/// <param name="ServiceAccountId">Its service account.</param>
/// <param name="KeyId">The key's id.</param>
/// <param name="ApiKey">The key's token.</param>
/// <param name="CreatedAt">When the key was created.</param>
/// <param name="BaseUrl">The node it works on.</param>
/// <param name="OrgId">The workspace's organisation (an addition to the Go CLI's entry: one node can hold several workspaces).</param>
/// <param name="WorkspaceId">The workspace.</param>
public sealed record StoredAgent(string Address, string ServiceAccountId, string KeyId, string ApiKey, string? CreatedAt, string BaseUrl,
    string? OrgId, string? WorkspaceId);

/// <summary>How an agent got its key.</summary>
public enum ProvisionOutcome
{
    /// <summary>The key in scenario-agents.json still works: nothing was created.</summary>
    Stored,
    /// <summary>A new key for an existing service account.</summary>
    NewKey,
    /// <summary>A new service account and its key.</summary>
    Created,
    /// <summary>No key: see the message.</summary>
    Skipped,
}

/// <summary>What provisioning did for one agent.</summary>
/// <param name="Spec">The agent asked for.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Key">Its key, unless skipped.</param>
/// <param name="Message">Why it was skipped, or a detail worth telling (a stored key the node refused).</param>
public sealed record ProvisionedAgent(AgentSpec Spec, ProvisionOutcome Outcome, StoredAgent? Key, string? Message)
{
    /// <summary>A short phrase for the story: "key from scenario-agents.json", "new service account sa_… and key sak_…", ….</summary>
    public string Describe() => Outcome switch
    {
        ProvisionOutcome.Stored => "key from scenario-agents.json",
        ProvisionOutcome.NewKey => $"new key {Key!.KeyId} for service account {Key.ServiceAccountId}" + (Message is null ? "" : $"; {Message}"),
        ProvisionOutcome.Created => $"new service account {Key!.ServiceAccountId} and key {Key.KeyId}" + (Message is null ? "" : $"; {Message}"),
        _ => "not provisioned: " + Message,
    };
}

/// <summary>
/// scenario-agents.json, next to config.json (mode 0600, written atomically): the keys of agents the CLI
/// provisioned, per node. <c>{"agents": [{address, service_account_id, key_id, api_key, created_at, base_url, org_id, workspace_id}]}</c>.
/// </summary>
public static class ScenarioAgentStore
{
    /// <summary>$XDG_CONFIG_HOME/axme/scenario-agents.json (or ~/.config/axme/…).</summary>
    public static string FilePath => Path.Combine(CliConfig.Dir, "scenario-agents.json");

    /// <summary>The stored entries; none when the file is missing or unreadable (it only caches keys that can be made again).</summary>
    public static List<StoredAgent> Load()
    {
        if (!File.Exists(FilePath)) return [];
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(FilePath)) as JsonObject;
            return [.. (root?["agents"] as JsonArray ?? []).OfType<JsonObject>().Select(Read).OfType<StoredAgent>()];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The entry for an agent on a node: its address (or a bare name's canonical form) and the node's base URL must match.</summary>
    public static StoredAgent? Find(IEnumerable<StoredAgent> entries, string address, string baseUrl, string? orgId, string? workspaceId) =>
        entries.FirstOrDefault(e => SameNode(e, baseUrl, orgId, workspaceId) && SameAddress(e.Address, address));

    /// <summary>
    /// The key a built-in agent starts with (PROTOCOL §8.7 step 4.1): the entry for its exact name, else the first
    /// whose address contains the name fragment, on the same node. (The Go CLI then falls back to any node's
    /// entry; a key of another node cannot work, so this does not.)
    /// </summary>
    public static StoredAgent? FindForAgent(IEnumerable<StoredAgent> entries, string fragment, string baseUrl, string? orgId, string? workspaceId)
    {
        var candidates = entries.Where(e => SameNode(e, baseUrl, orgId, workspaceId)).ToList();
        return candidates.FirstOrDefault(e => SameAddress(e.Address, fragment))
            ?? candidates.FirstOrDefault(e => e.Address.Contains(fragment, StringComparison.Ordinal));
    }

    /// <summary>
    /// Writes the given entries over the ones for the same address and node, keeping every other entry as it is
    /// on disk now (another CLI process may have added some): a temp file of mode 0600, then a rename.
    /// </summary>
    public static void Save(IReadOnlyCollection<StoredAgent> changed)
    {
        if (changed.Count == 0) return;
        var entries = Load();
        entries.RemoveAll(e => changed.Any(c => SameUrl(c.BaseUrl, e.BaseUrl) && c.Address == e.Address));
        entries.AddRange(changed);
        var root = new JsonObject { ["agents"] = new JsonArray([.. entries.Select(e => (JsonNode)Write(e))]) };
        CliConfig.WritePrivate(FilePath, root);
    }

    /// <summary>Base URLs compared without a trailing slash and case-insensitively (scheme and host are).</summary>
    public static bool SameUrl(string a, string b) =>
        string.Equals(a.Trim().TrimEnd('/'), b.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static bool SameNode(StoredAgent e, string baseUrl, string? orgId, string? workspaceId) =>
        SameUrl(e.BaseUrl, baseUrl)
        && (e.OrgId is null || orgId is null || e.OrgId == orgId)
        && (e.WorkspaceId is null || workspaceId is null || e.WorkspaceId == workspaceId);

    /// <summary>The stored (canonical) address names the given one: equal, or a bare name that is its last segment.</summary>
    private static bool SameAddress(string stored, string given) =>
        stored == given || (!given.Contains('/', StringComparison.Ordinal) && stored.EndsWith("/" + given, StringComparison.Ordinal));

    private static StoredAgent? Read(JsonObject o)
    {
        static string? S(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
        return S(o, "address") is { } address && S(o, "api_key") is { } key && S(o, "base_url") is { } url
            ? new StoredAgent(address, S(o, "service_account_id") ?? "", S(o, "key_id") ?? "", key, S(o, "created_at"), url, S(o, "org_id"), S(o, "workspace_id"))
            : null;
    }

    private static JsonObject Write(StoredAgent e) => new()
    {
        ["address"] = e.Address,
        ["service_account_id"] = e.ServiceAccountId,
        ["key_id"] = e.KeyId,
        ["api_key"] = e.ApiKey,
        ["created_at"] = e.CreatedAt,
        ["base_url"] = e.BaseUrl,
        ["org_id"] = e.OrgId,
        ["workspace_id"] = e.WorkspaceId,
    };
}

/// <summary>
/// Client-side agent provisioning (PROTOCOL §8.6.1), shared by <c>scenarios apply</c> and <c>examples run</c>:
/// each agent gets a service account (named by its address) and a key, kept in scenario-agents.json and re-used
/// while the node accepts it. Nothing is created for an agent whose stored key still works.
/// </summary>
public sealed class AgentProvisioner(Connection connection, AxmeClient client)
{
    /// <summary>Provisions the agents; returns one entry per agent, in order. Failures are per agent (<see cref="ProvisionOutcome.Skipped"/>).</summary>
    public async Task<IReadOnlyList<ProvisionedAgent>> ProvisionAsync(IReadOnlyList<AgentSpec> agents, CancellationToken ct)
    {
        if (agents.Count == 0) return [];
        var (orgId, workspaceId) = (connection.OrgId, connection.WorkspaceId);
        IReadOnlyList<ServiceAccount>? listed = null;
        if (orgId is null || workspaceId is null)
        {
            // Not in the context: ask the node. Without org_id/workspace_id it lists the key's own workspace, so
            // every account it returns carries that workspace's ids (and the list serves below as well).
            listed = await ListAsync(null, null, ct);
            var workspaces = listed.Select(a => (a.OrgId, a.WorkspaceId)).Where(w => w.OrgId is not null && w.WorkspaceId is not null).Distinct().ToList();
            if (workspaces.Count != 1)
                return [.. agents.Select(a => new ProvisionedAgent(a, ProvisionOutcome.Skipped, null,
                    "the context has no org_id/workspace_id and the node did not tell them: run axme login (or axme context set --org-id … --workspace-id …)"))];
            orgId ??= workspaces[0].OrgId;
            workspaceId ??= workspaces[0].WorkspaceId;
        }

        var stored = ScenarioAgentStore.Load();
        var checks = await Task.WhenAll(agents.Select(async a =>
        {
            var entry = ScenarioAgentStore.Find(stored, a.Address, connection.BaseUrl, orgId, workspaceId);
            return (Agent: a, Entry: entry, Refused: entry is null ? null : await RefusalAsync(entry, ct));
        }));

        var results = new ProvisionedAgent[agents.Count];
        var missing = new List<(int Index, AgentSpec Agent, string? Note)>();
        for (var i = 0; i < checks.Length; i++)
        {
            var (agent, entry, refused) = checks[i];
            if (entry is not null && refused is null) results[i] = new ProvisionedAgent(agent, ProvisionOutcome.Stored, entry, null);
            else missing.Add((i, agent, refused is null ? null : $"the stored key {entry!.KeyId} was refused ({refused})"));
        }
        if (missing.Count > 0)
        {
            listed ??= await ListAsync(orgId, workspaceId, ct);
            var made = await Task.WhenAll(missing.Select(m => ProvisionOneAsync(m.Agent, m.Note, listed, orgId!, workspaceId!, ct)));
            for (var i = 0; i < missing.Count; i++) results[missing[i].Index] = made[i];
            ScenarioAgentStore.Save([.. made.Where(r => r.Outcome != ProvisionOutcome.Skipped).Select(r => r.Key!)]);
        }
        return results;
    }

    /// <summary>The workspace's accounts; any error counts as an empty list (§8.6.1), so every agent is then created.</summary>
    private async Task<IReadOnlyList<ServiceAccount>> ListAsync(string? orgId, string? workspaceId, CancellationToken ct)
    {
        try { return await client.ListServiceAccountsAsync(orgId, workspaceId, ct); }
        catch (Exception e) when (e is AxmeException or HttpRequestException) { return []; }
    }

    /// <summary>
    /// Why the node refuses a stored key (401: revoked or unknown; 403/404: its account is gone), or null when it
    /// accepts it. Other failures (the node unreachable, 5xx) keep the key: the command fails on its own later.
    /// </summary>
    private async Task<string?> RefusalAsync(StoredAgent entry, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(entry.ServiceAccountId)) return "no service account id stored with it";
        using var agentClient = new AxmeClient(new AxmeClientOptions { BaseUrl = connection.BaseUrl, ApiKey = entry.ApiKey, MaxRetries = 1 });
        try
        {
            await agentClient.GetServiceAccountAsync(entry.ServiceAccountId, ct);
            return null;
        }
        catch (AxmeException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            return $"HTTP {(int)e.StatusCode}";
        }
        catch (Exception e) when (e is AxmeException or HttpRequestException)
        {
            return null;
        }
    }

    private async Task<ProvisionedAgent> ProvisionOneAsync(AgentSpec agent, string? note, IReadOnlyList<ServiceAccount> listed,
        string orgId, string workspaceId, CancellationToken ct)
    {
        var outcome = ProvisionOutcome.NewKey;
        var account = Match(listed, agent.Address);
        try
        {
            if (account is null)
            {
                outcome = ProvisionOutcome.Created;
                try
                {
                    account = await client.CreateServiceAccountAsync(agent.Address, agent.DisplayName, null, orgId, workspaceId, ct);
                }
                catch (AxmeConflictException)
                {
                    // Someone created it since the list: take theirs.
                    account = Match(await ListAsync(orgId, workspaceId, ct), agent.Address);
                    if (account is null) return Skip(agent, "the node answered 409 for the new service account but does not list it");
                    outcome = ProvisionOutcome.NewKey;
                }
                // A node that provisions the agent itself (server-side apply) also binds the bundle's delivery
                // mode; do the same for an account made here. stream is the default; http needs a webhook_url.
                if (outcome == ProvisionOutcome.Created && agent.DeliveryMode is { } mode && mode is not ("stream" or "http") && account.AgentAddress.Length > 0)
                {
                    try { await client.ConfigureDeliveryAsync(account.AgentAddress, new DeliveryConfig { DeliveryMode = mode }, ct); }
                    catch (AxmeException e) { note = $"delivery_mode {mode} not set: {e.Message}"; }
                }
            }
            var key = await client.CreateKeyAsync(account.ServiceAccountId, null, ct);
            if (string.IsNullOrEmpty(key.Token)) return Skip(agent, $"the node returned no token for the key of {account.ServiceAccountId}");
            var entry = new StoredAgent(account.AgentAddress.Length > 0 ? account.AgentAddress : agent.Address, account.ServiceAccountId, key.KeyId, key.Token,
                WireTime.Format(key.CreatedAt), connection.BaseUrl, orgId, workspaceId);
            return new ProvisionedAgent(agent, outcome, entry, note);
        }
        catch (AxmeException e)
        {
            return Skip(agent, $"{(account is null ? "creating its service account" : "creating its key")} failed: {e.Code ?? "error"} (HTTP {(int)e.StatusCode}): {e.Message}");
        }
        catch (HttpRequestException e)
        {
            return Skip(agent, "cannot reach the node: " + e.Message);
        }
    }

    /// <summary>The listed account named by the address (the provisioning's name), or whose address it is.</summary>
    private static ServiceAccount? Match(IEnumerable<ServiceAccount> accounts, string address) =>
        accounts.FirstOrDefault(a => a.Name == address) ?? accounts.FirstOrDefault(a => a.AgentAddress.Length > 0 && a.AgentAddress == address);

    /// <summary>One line per provisioned agent; a skipped one is a warning (stderr with --json, where stdout is JSON only).</summary>
    public static void Report(ProvisionedAgent p, bool json)
    {
        var address = p.Key?.Address ?? p.Spec.Address;
        if (p.Outcome == ProvisionOutcome.Skipped)
        {
            if (json) Console.Error.WriteLine($"warning: agent {p.Spec.Address} {p.Describe()}");
            else AnsiConsole.MarkupLine($"[yellow]warning: agent {Markup.Escape(p.Spec.Address)} {Markup.Escape(p.Describe())}[/]");
        }
        else if (!json) AnsiConsole.MarkupLine($"Agent [bold]{Markup.Escape(address)}[/] provisioned: {Markup.Escape(p.Describe())}");
    }

    private static ProvisionedAgent Skip(AgentSpec agent, string why) => new(agent, ProvisionOutcome.Skipped, null, why);
}
