using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Notifications;
using Axme.Grains.Notifications;

namespace Axme.Grains.Tests.Delivery;

/// <summary>The pure parts of notifications: the delivery job a notification becomes, and when a channel is unavailable.</summary>
public sealed class NotificationChannelTests
{
    [Fact]
    public void A_channel_the_node_has_not_configured_is_unavailable_with_a_reason_naming_the_settings()
    {
        var none = new EmailOptions();
        var noHook = new NotificationOptions();
        Assert.Contains("AXME_SMTP_HOST", NotificationChannels.Unavailable(DeliveryKinds.Email, none, noHook));
        Assert.Contains("AXME_NOTIFY_WEBHOOK_URL", NotificationChannels.Unavailable(DeliveryKinds.Notification, none, noHook));
        var email = new EmailOptions { Host = "smtp.example.com", From = "a@example.com" };
        var hook = new NotificationOptions { WebhookUrl = "https://chat.example/hook", WebhookSecret = "0123456789abcdef" };
        Assert.Null(NotificationChannels.Unavailable(DeliveryKinds.Email, email, noHook));
        Assert.Null(NotificationChannels.Unavailable(DeliveryKinds.Notification, none, hook));
        Assert.Null(NotificationChannels.Unavailable(DeliveryKinds.Http, none, noHook)); // agent deliveries are not notifications
    }

    [Fact]
    public void A_webhook_notification_becomes_a_job_whose_body_names_the_notification_and_its_intent()
    {
        var intentId = Guid.NewGuid();
        var body = new JsonObject { ["text"] = "hello" };
        var job = Notification.ByWebhook("task_assigned", intentId, body).ToJob("n-1");
        Assert.Equal(DeliveryKinds.Notification, job.Kind);
        Assert.Equal("notification.task_assigned", job.EventType);
        Assert.Equal("task_assigned", job.NotificationType);
        Assert.Equal(intentId, job.IntentId);
        var sent = JsonNode.Parse(job.BodyJson!)!;
        Assert.Equal("n-1", sent["notification_id"]!.GetValue<string>());
        Assert.Equal(intentId.ToString(), sent["intent_id"]!.GetValue<string>());
        Assert.Equal("hello", sent["text"]!.GetValue<string>());
        Assert.Null(body["notification_id"]); // the caller's object is not changed
    }

    [Fact]
    public void Incomplete_notifications_are_refused_before_anything_is_written()
    {
        Assert.Throws<ArgumentException>(() => Notification.ByEmail("reminder", null, [], "s", "t").ToJob("n"));
        Assert.Throws<ArgumentException>(() => Notification.ByEmail("Not A Type", null, ["a@example.com"], "s", "t").ToJob("n"));
        Assert.Throws<ArgumentException>(() => new Notification { Type = "reminder" }.ToJob("n"));
        Assert.Throws<ArgumentException>(() => Notification.ByEmail("reminder", null, ["a@example.com"], "s", "t").ToJob(" "));
        Assert.Equal(DeliveryKinds.Email, Notification.ByEmail("reminder", null, ["a@example.com"], "s", "t").ToJob("n").Kind);
    }
}
