namespace Axme.Grains.Interfaces.Common;

/// <summary>The authenticated identity behind a request: a service account key in one org/workspace.</summary>
[GenerateSerializer, Immutable, Alias("axme.caller")]
public sealed record Caller
{
    /// <summary>Service account the key belongs to.</summary>
    [Id(0)] public required string ServiceAccountId { get; init; }
    /// <summary>Key id (sak_…), for audit.</summary>
    [Id(1)] public required string KeyId { get; init; }
    [Id(2)] public required string OrgId { get; init; }
    [Id(3)] public required string WorkspaceId { get; init; }
    /// <summary>Canonical agent address of the service account (agent://org/workspace/name).</summary>
    [Id(4)] public required string AgentAddress { get; init; }
    /// <summary>Admin keys may act in any workspace.</summary>
    [Id(5)] public bool IsAdmin { get; init; }
    /// <summary>The key is a human user's (a service account of kind human); its roles and teams live on the account.</summary>
    [Id(6)] public bool IsHuman { get; init; }
    /// <summary>
    /// For a user acting by an actor token someone else minted (an admin answering for a person): that minter's
    /// account id, so the events name the person and show who spoke for them (ADR 017 §6). Null otherwise.
    /// </summary>
    [Id(7)] public string? ActorTokenIssuer { get; init; }
    /// <summary>The key's agent is killed (the mesh): the request is refused unless it is the agent's heartbeat.</summary>
    [Id(8)] public bool AgentKilled { get; init; }
    /// <summary>The sign-in session a person's request came with (its access token), or null (docs/adr/027).</summary>
    [Id(9)] public string? SessionId { get; init; }
    /// <summary>
    /// The key's person manages its workspace (an active org_owner/org_admin member, or the workspace's workspace_admin,
    /// docs/adr/030): a human key that may create accounts and manage the workspace's agents. Set by authentication.
    /// </summary>
    [Id(10)] public bool ManagesWorkspace { get; init; }

    /// <summary>The runtime itself (delivery, timers): acts on any intent, never comes from a request.</summary>
    public static readonly Caller System = new()
    {
        ServiceAccountId = "system", KeyId = "system", OrgId = "system", WorkspaceId = "system",
        AgentAddress = "agent://system/system/runtime", IsAdmin = true,
    };

    /// <summary>True when this caller may see resources of the given workspace.</summary>
    public bool CanAccess(string orgId, string workspaceId) =>
        IsAdmin || (OrgId == orgId && WorkspaceId == workspaceId);
}
