using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Agents;

namespace Axme.Api.Agents;

/// <summary>Wire shape of an agent (PROTOCOL §6.3).</summary>
public static class AgentJson
{
    public static JsonObject Agent(AgentRecord a) => new()
    {
        ["address"] = a.Address,
        ["agent_address"] = a.Address,
        ["service_account_id"] = a.ServiceAccountId,
        ["service_account_name"] = a.Name,
        ["display_name"] = a.DisplayName ?? a.Name,
        ["status"] = a.Status,
        ["delivery_mode"] = a.DeliveryMode,
        ["lease_seconds"] = a.LeaseSeconds,
        ["max_delivery_attempts"] = a.MaxDeliveryAttempts,
        ["webhook_url"] = a.WebhookUrl,
        ["webhook_secret_hint"] = a.WebhookSecretHint,
        ["internal_handler"] = a.DeliveryMode == DeliveryModes.Internal ? a.InternalHandler ?? a.Name : a.InternalHandler,
        ["org_id"] = a.OrgId,
        ["workspace_id"] = a.WorkspaceId,
        ["created_at"] = Wire.Time(a.CreatedAt),
        ["updated_at"] = Wire.Time(a.UpdatedAt),
    };
}
