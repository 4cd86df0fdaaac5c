using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Accounts;

namespace Axme.Api.Accounts;

/// <summary>Wire shapes of service accounts and keys; both agent_address and address are emitted (PROTOCOL §13 D28).</summary>
public static class AccountJson
{
    /// <summary>An account as a viewer sees it: its keys only when the viewer is the account itself or an admin (ADR 017), else no "keys" field.</summary>
    public static JsonObject ServiceAccount(ServiceAccountRecord a, bool keys = true) => WithKeys(new()
    {
        ["service_account_id"] = a.ServiceAccountId,
        ["id"] = a.ServiceAccountId,
        ["org_id"] = a.OrgId,
        ["workspace_id"] = a.WorkspaceId,
        ["name"] = a.Name,
        ["display_name"] = a.DisplayName,
        ["description"] = a.Description,
        ["status"] = a.Status,
        ["created_by_actor_id"] = a.CreatedByActorId,
        ["created_at"] = Wire.Time(a.CreatedAt),
        ["updated_at"] = Wire.Time(a.UpdatedAt),
        ["agent_address"] = a.AgentAddress,
        ["address"] = a.AgentAddress,
        ["kind"] = a.Kind,
        ["is_admin"] = a.IsAdmin, // lets `axme whoami` tell an admin key from a workspace one
    }, a, keys);

    /// <summary>A human user (a service account of kind human), as /v1/users answers it.</summary>
    public static JsonObject User(ServiceAccountRecord a, bool keys = true) => WithKeys(new()
    {
        ["user_id"] = a.ServiceAccountId,
        ["org_id"] = a.OrgId,
        ["workspace_id"] = a.WorkspaceId,
        ["name"] = a.Name,
        ["display_name"] = a.DisplayName,
        ["email"] = a.Email,
        ["roles"] = new JsonArray([.. a.Roles.Select(r => (JsonNode)r)]),
        ["teams"] = new JsonArray([.. a.Teams.Select(t => (JsonNode)t)]),
        ["agent_address"] = a.AgentAddress,
        ["status"] = a.Status,
        ["created_at"] = Wire.Time(a.CreatedAt),
        ["updated_at"] = Wire.Time(a.UpdatedAt),
    }, a, keys);

    private static JsonObject WithKeys(JsonObject json, ServiceAccountRecord a, bool keys)
    {
        if (keys) json["keys"] = new JsonArray([.. a.Keys.Select(k => (JsonNode)Key(k))]);
        return json;
    }

    public static JsonObject Key(ApiKeyRecord k) => new()
    {
        ["key_id"] = k.KeyId,
        ["service_account_id"] = k.ServiceAccountId,
        ["key_hint"] = k.KeyHint,
        ["status"] = k.Status,
        ["created_at"] = Wire.Time(k.CreatedAt),
        ["expires_at"] = Wire.Time(k.ExpiresAt),
        ["revoked_at"] = Wire.Time(k.RevokedAt),
    };
}
