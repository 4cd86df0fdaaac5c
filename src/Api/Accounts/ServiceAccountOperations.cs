using Axme.Contracts;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Accounts;

/// <summary>
/// Service accounts and keys (PROTOCOL §6.2) whoever asks (REST's ServiceAccountEndpoints and UserEndpoints, the MCP
/// tools): who may change accounts, the fields of a create, a new key.
/// </summary>
public static class ServiceAccountOperations
{
    /// <summary>The answer to POST …/keys ({expires_at?}) for an account the caller may manage: the new key, its token once.</summary>
    public static async Task<ApiKeyResponse> KeyAnswerAsync(IGrainFactory grains, string serviceAccountId, RequestBody body) =>
        new() { Key = await IssueKeyAsync(grains, serviceAccountId, body.Timestamp("expires_at")) };

    /// <summary>A new key of an account, with its token (shown this once).</summary>
    public static async Task<ApiKey> IssueKeyAsync(IGrainFactory grains, string serviceAccountId, DateTimeOffset? expiresAt)
    {
        var created = await grains.GetGrain<IServiceAccountGrain>(serviceAccountId).CreateKeyAsync(expiresAt);
        return created.Key.ToWire() with { Token = created.Token };
    }

    /// <summary>
    /// The fields every account shares (org_id, workspace_id, name, display_name, description) read from a
    /// create request: 403 for another workspace, 422 naming a bad field.
    /// </summary>
    public static CreateServiceAccountCommand ReadCreate(RequestBody body, Caller caller)
    {
        var org = body.String("org_id", 255) is { } o ? TenantNames.Canonical(o, "org_id") : caller.OrgId;
        var ws = body.String("workspace_id", 255) is { } w ? TenantNames.Canonical(w, "workspace_id") : caller.WorkspaceId;
        if (!caller.CanAccess(org, ws)) throw ProtocolException.Forbidden("no access to that workspace");
        var name = body.String("name", 383, required: true)!.Trim();
        if (name.Length < 2) throw ProtocolException.Invalid("name", "name must be 2 to 120 characters");
        // The agent's name is the slug of the account's name ("Approver Bot" → approver-bot): one address per slug.
        if (AgentAddress.Slug(name).Length == 0)
            throw ProtocolException.Invalid("name", "name must contain letters or digits (its agent name is their slug)", "invalid_name");
        return new CreateServiceAccountCommand
        {
            OrgId = org,
            WorkspaceId = ws,
            Name = name,
            DisplayName = body.String("display_name", 255),
            Description = body.String("description", 2000),
            CreatedByActorId = caller.ServiceAccountId, // who created it is who asked: never taken from the body (ADR 017)
        };
    }

    /// <summary>
    /// The caller of an account-changing request. A human user's key manages no accounts and mints no keys — otherwise a
    /// user could grant itself a role or take a colleague's identity (docs/adr/009) — unless its person manages the
    /// workspace (org_owner, org_admin, or its workspace_admin: docs/adr/030); even then only agents' keys (AccountAccess).
    /// </summary>
    public static Caller ManagingCaller(Caller caller)
    {
        return caller.IsHuman && !caller.IsAdmin && !caller.ManagesWorkspace
            ? throw ProtocolException.Forbidden("a human user's key cannot create, change or delete accounts or keys unless its person is an org_owner, org_admin or the workspace's workspace_admin")
            : caller;
    }
}
