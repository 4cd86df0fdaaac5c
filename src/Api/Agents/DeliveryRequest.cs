using Axme.Api.Http;
using Axme.Api.Webhooks;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Agents;

/// <summary>
/// The delivery fields of a body (delivery_mode, lease_seconds, max_delivery_attempts, webhook_url,
/// webhook_secret), validated before anything is written.
/// </summary>
public sealed record DeliveryRequest(string? Mode, int? LeaseSeconds, int? MaxDeliveryAttempts, string? WebhookUrl, string? WebhookSecret, string? InternalHandler)
{
    public static readonly string[] Fields = ["delivery_mode", "lease_seconds", "max_delivery_attempts", "webhook_url", "webhook_secret", "internal_handler"];

    public static DeliveryRequest Read(RequestBody body, WebhookSecrets secrets)
    {
        var mode = body.String("delivery_mode", 32);
        if (mode is not null && !DeliveryModes.All.Contains(mode))
            throw ProtocolException.Invalid("delivery_mode", $"delivery_mode must be one of {string.Join(", ", DeliveryModes.All)}", "unsupported_delivery_mode");
        return new DeliveryRequest(mode, body.Int("lease_seconds", 1, 86400), body.Int("max_delivery_attempts", 1, 1000),
            secrets.Url(body, "webhook_url"), WebhookSecrets.Read(body, "webhook_secret"), body.String("internal_handler", 120));
    }

    /// <summary>Applies it to an agent; returns the agent and the secret generated for it, if one was.</summary>
    public async Task<(AgentRecord Agent, string? GeneratedSecret)> ApplyAsync(IGrainFactory grains, WebhookSecrets secrets, AgentRecord agent)
    {
        var http = (Mode ?? agent.DeliveryMode) == DeliveryModes.Http;
        if (http && WebhookUrl is null && agent.WebhookUrl is null)
            throw ProtocolException.Invalid("webhook_url", "the http binding needs a webhook_url");
        var generated = WebhookSecret is null && http && agent.ProtectedWebhookSecret is null ? WebhookSecrets.Generate() : null;
        var secret = WebhookSecret ?? generated;
        var protectedSecret = secret is null ? ((string, string)?)null : secrets.Protect(secret);
        var updated = await grains.GetGrain<IAgentGrain>(agent.Address).ConfigureAsync(new DeliverySettings
        {
            DeliveryMode = Mode, LeaseSeconds = LeaseSeconds, MaxDeliveryAttempts = MaxDeliveryAttempts, WebhookUrl = WebhookUrl,
            ProtectedWebhookSecret = protectedSecret?.Item1, WebhookSecretHint = protectedSecret?.Item2, InternalHandler = InternalHandler,
        });
        return (updated, generated);
    }
}
