using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;

namespace Axme.Api.Accounts;

/// <summary>Service accounts, keys and users as the wire contract's records (PROTOCOL §6.2; both agent_address and address, §13 D28).</summary>
public static class AccountWire
{
    /// <summary>An account as a viewer sees it: its keys only when the viewer is the account itself or an admin (ADR 017).</summary>
    public static ServiceAccount ToWire(this ServiceAccountRecord a, bool keys = true) => new()
    {
        ServiceAccountId = a.ServiceAccountId,
        Id = a.ServiceAccountId,
        OrgId = a.OrgId,
        WorkspaceId = a.WorkspaceId,
        Name = a.Name,
        DisplayName = a.DisplayName,
        Description = a.Description,
        Status = a.Status,
        CreatedByActorId = a.CreatedByActorId,
        CreatedAt = a.CreatedAt,
        UpdatedAt = a.UpdatedAt,
        AgentAddress = a.AgentAddress,
        Address = a.AgentAddress,
        Kind = a.Kind,
        IsAdmin = a.IsAdmin, // lets `axme whoami` tell an admin key from a workspace one
        Keys = keys ? [.. a.Keys.Select(ToWire)] : null,
    };

    /// <summary>A human user (a service account of kind human), as /v1/users answers it.</summary>
    public static User ToUser(this ServiceAccountRecord a, bool keys = true) => new()
    {
        UserId = a.ServiceAccountId,
        OrgId = a.OrgId,
        WorkspaceId = a.WorkspaceId,
        Name = a.Name,
        DisplayName = a.DisplayName,
        Email = a.Email,
        Roles = a.Roles,
        Teams = a.Teams,
        AgentAddress = a.AgentAddress,
        Status = a.Status,
        CreatedAt = a.CreatedAt,
        UpdatedAt = a.UpdatedAt,
        Keys = keys ? [.. a.Keys.Select(ToWire)] : null,
    };

    /// <summary>A key's public metadata (the token only where it is created).</summary>
    public static ApiKey ToWire(this ApiKeyRecord k) => new()
    {
        KeyId = k.KeyId,
        ServiceAccountId = k.ServiceAccountId,
        KeyHint = k.KeyHint,
        Status = k.Status,
        CreatedAt = k.CreatedAt,
        ExpiresAt = k.ExpiresAt,
        RevokedAt = k.RevokedAt,
    };
}
