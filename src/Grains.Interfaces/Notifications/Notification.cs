using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Interfaces.Notifications;

/// <summary>
/// A message to people about an intent: an e-mail, or a JSON POST to the node's chat webhook
/// (Axme:Notifications:WebhookUrl). Built with <see cref="ByEmail"/> or <see cref="ByWebhook"/> and sent
/// with <see cref="Notifier.SendAsync"/>.
/// </summary>
public sealed partial record Notification
{
    /// <summary>What it is about, for the record and the webhook's X-AXME-Event-Type (notification.&lt;type&gt;): e.g. task_assigned, reminder, escalated.</summary>
    public required string Type { get; init; }

    /// <summary>The intent it is about: it lists the notification (GET /v1/intents/{id}/notifications) and is never changed by it.</summary>
    public Guid? IntentId { get; init; }

    public EmailContent? Email { get; init; }

    /// <summary>The chat webhook's JSON body (the runtime adds notification_id, notification_type, intent_id and the delivery fields).</summary>
    public JsonObject? Webhook { get; init; }

    public static Notification ByEmail(string type, Guid? intentId, IReadOnlyList<string> to, string subject, string textBody, string? htmlBody = null) =>
        new() { Type = type, IntentId = intentId, Email = new EmailContent { To = to, Subject = subject, TextBody = textBody, HtmlBody = htmlBody } };

    public static Notification ByWebhook(string type, Guid? intentId, JsonObject body) =>
        new() { Type = type, IntentId = intentId, Webhook = body };

    [GeneratedRegex("^[a-z0-9_][a-z0-9_.]{0,63}$")]
    private static partial Regex TypePattern();

    /// <summary>The delivery job for this notification; throws ArgumentException for an incomplete one (a bug in the caller, not a failed delivery).</summary>
    public DeliveryJob ToJob(string notificationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(notificationId);
        if (!TypePattern().IsMatch(Type)) throw new ArgumentException($"notification type must match {TypePattern()}: {Type}", nameof(Type));
        if ((Email is null) == (Webhook is null)) throw new ArgumentException("a notification is either an e-mail or a webhook");
        var job = new DeliveryJob { Kind = DeliveryKinds.Email, IntentId = IntentId, NotificationType = Type, EventType = "notification." + Type };
        if (Email is { } email)
        {
            if (email.To.Count == 0 || email.To.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("an e-mail needs at least one recipient", nameof(Email));
            return job with { Email = email };
        }
        var body = new JsonObject
        {
            ["notification_id"] = notificationId,
            ["notification_type"] = Type,
            ["intent_id"] = IntentId?.ToString(),
        };
        foreach (var (name, value) in Webhook!) body[name] = value?.DeepClone();
        return job with { Kind = DeliveryKinds.Notification, BodyJson = body.ToJsonString() };
    }
}
