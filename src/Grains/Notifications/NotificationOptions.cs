namespace Axme.Grains.Notifications;

/// <summary>
/// The chat webhook notifications go to (section "Axme:Notifications"; AXME_NOTIFY_WEBHOOK_*): a JSON POST
/// signed like agent webhooks (X-AXME-Signature, X-AXME-Timestamp) with <see cref="WebhookSecret"/>.
/// Off while WebhookUrl is empty: webhook notifications are then recorded as skipped with the reason.
/// </summary>
public sealed class NotificationOptions
{
    public const string Section = "Axme:Notifications";

    /// <summary>Absolute http(s) URL; a bridge to Slack, Teams or Matrix verifies the signature and posts the text.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The signing secret (16–128 characters, required with a URL); never logged or recorded.</summary>
    public string? WebhookSecret { get; set; }

    public bool WebhookEnabled => !string.IsNullOrWhiteSpace(WebhookUrl);
}
