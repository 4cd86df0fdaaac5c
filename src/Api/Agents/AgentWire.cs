using Axme.Grains.Interfaces.Agents;

namespace Axme.Api.Agents;

/// <summary>An agent of the directory as the wire contract's record (PROTOCOL §6.3).</summary>
public static class AgentWire
{
    public static Contracts.Agent ToWire(this AgentRecord a, string? generatedSecret = null) => new()
    {
        Address = a.Address,
        AgentAddress = a.Address,
        ServiceAccountId = a.ServiceAccountId,
        ServiceAccountName = a.Name,
        DisplayName = a.DisplayName ?? a.Name,
        Status = a.Status,
        DeliveryMode = a.DeliveryMode,
        LeaseSeconds = a.LeaseSeconds,
        MaxDeliveryAttempts = a.MaxDeliveryAttempts,
        WebhookUrl = a.WebhookUrl,
        WebhookSecretHint = a.WebhookSecretHint,
        WebhookSecret = generatedSecret, // shown once, in the answer that generated it, never again
        InternalHandler = a.DeliveryMode == DeliveryModes.Internal ? a.InternalHandler ?? a.Name : a.InternalHandler,
        OrgId = a.OrgId,
        WorkspaceId = a.WorkspaceId,
        CreatedAt = a.CreatedAt,
        UpdatedAt = a.UpdatedAt,
    };
}
