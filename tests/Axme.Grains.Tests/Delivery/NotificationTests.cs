using Axme.Grains.Tests.Common;
using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Interfaces.Notifications;
using Axme.Testing;

namespace Axme.Grains.Tests.Delivery;

/// <summary>Notifications: e-mail through the SMTP sink and the signed chat webhook, as pushed deliveries that never touch the intent.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NotificationTests(ClusterFixture fx)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly Caller _caller = TestData.Caller();

    private async Task<IIntentGrain> IntentAsync()
    {
        var grain = fx.Client.GetGrain<IIntentGrain>(Guid.NewGuid());
        await grain.CreateAsync(TestData.Create(_caller));
        return grain;
    }

    private Task<DeliveryRecord?> FinishedAsync(string notificationId) =>
        Eventually.WaitAsync(() => fx.Client.GetGrain<IDeliveryGrain>(DeliveryIds.ForNotification(notificationId)).GetAsync(), d => d is { IsFinished: true }, Timeout);

    private static string NewId(string what) => $"test:{Guid.NewGuid():N}:{what}";

    [Fact]
    public async Task An_email_notification_arrives_with_its_subject_bodies_and_recipients_and_is_listed_on_its_intent()
    {
        var intent = await IntentAsync();
        var before = await intent.GetAsync(_caller);
        var id = NewId("task_assigned:email");
        await Notifier.SendAsync(fx.Client, id, Notification.ByEmail("task_assigned", before.IntentId,
            ["alice@example.com", "Bob <bob@example.com>"], "Approve refund – Ünïcödé", "Please approve: https://axme.example/t/1",
            """<p>Please <a href="https://axme.example/t/1">approve</a></p>"""));

        var delivery = await FinishedAsync(id);
        Assert.Equal(DeliveryStatus.Delivered, delivery!.Status);
        var attempt = Assert.Single(delivery.Attempts);
        Assert.Null(attempt.Error);
        Assert.Equal($"smtp://127.0.0.1:{fx.Smtp.Port}", attempt.Url);

        var mail = Assert.Single(fx.Smtp.For(DeliveryIds.ForNotification(id)));
        Assert.Equal("Approve refund – Ünïcödé", mail.Message.Subject);
        Assert.Equal("Please approve: https://axme.example/t/1", mail.Message.TextBody?.TrimEnd());
        Assert.Contains("""<a href="https://axme.example/t/1">approve</a>""", mail.Message.HtmlBody);
        Assert.Equal(["alice@example.com", "bob@example.com"], mail.Message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal(["alice@example.com", "bob@example.com"], mail.EnvelopeTo);
        Assert.Equal("axme@tests.example", Assert.Single(mail.Message.From.Mailboxes).Address);

        Assert.Equal([DeliveryIds.ForNotification(id)], await fx.Client.GetGrain<INotificationLogGrain>(before.IntentId).ListAsync());
        var after = await intent.GetAsync(_caller);
        Assert.Equal(before.Status, after.Status);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
    }

    [Fact]
    public async Task A_refusing_smtp_server_is_retried_with_every_attempt_recorded_then_dead_lettered_without_touching_the_intent()
    {
        var intent = await IntentAsync();
        var before = await intent.GetAsync(_caller);
        var eventsBefore = await intent.GetEventsAsync(_caller, 0);
        var refusedBefore = fx.Smtp.Refused;
        var id = NewId("reminder:email");
        using var attempts = new MetricRecorder("axme.deliveries.attempts");
        using var deadLetters = new MetricRecorder("axme.deliveries.dead_letters");

        var enqueued = await Notifier.SendAsync(fx.Client, id, Notification.ByEmail("reminder", before.IntentId,
            ["carol@" + SmtpSink.RefusedDomain], "Reminder", "Still waiting for you"));
        Assert.Equal(DeliveryStatus.Pending, enqueued.Status); // the caller is back before any attempt

        var delivery = await FinishedAsync(id);
        Assert.Equal(DeliveryStatus.DeadLettered, delivery!.Status);
        Assert.Equal(5, delivery.Attempts.Count); // DeliveryOptions.DefaultMaxAttempts
        Assert.Equal([1, 2, 3, 4, 5], delivery.Attempts.Select(a => a.Attempt));
        Assert.All(delivery.Attempts, a => Assert.Contains("SmtpCommandException", a.Error));
        Assert.True(fx.Smtp.Refused - refusedBefore >= 5, "each attempt must reach the server");
        Assert.Empty(fx.Smtp.For(DeliveryIds.ForNotification(id)));
        // Counted for the operator's metrics: at least these five failed e-mail attempts and one dead letter.
        Assert.True(attempts.Seen.Count(m => Equals(m.Tags["kind"], DeliveryKinds.Email) && Equals(m.Tags["outcome"], "failed")) >= 5);
        Assert.Contains(deadLetters.Seen, m => Equals(m.Tags["kind"], DeliveryKinds.Email) && m.Value == 1);

        var after = await intent.GetAsync(_caller);
        Assert.Equal(before.Status, after.Status);
        Assert.Null(after.ErrorJson);
        Assert.Equal(eventsBefore.Count, (await intent.GetEventsAsync(_caller, 0)).Count);
    }

    [Fact]
    public async Task The_webhook_channel_posts_a_signed_json_body_that_the_receiver_verifies()
    {
        var intentId = (await (await IntentAsync()).GetAsync(_caller)).IntentId;
        var id = NewId("escalated:chat");
        await Notifier.SendAsync(fx.Client, id, Notification.ByWebhook("escalated", intentId,
            new JsonObject { ["text"] = "Refund approval escalated to bob", ["task_id"] = "t-1" }));

        var delivery = await FinishedAsync(id);
        Assert.Equal(DeliveryStatus.Delivered, delivery!.Status);
        var post = Assert.Single(fx.Chat.Received, r => r.Json["notification_id"]?.GetValue<string>() == id);
        Assert.True(post.SignatureValid, "X-AXME-Signature must verify with the configured secret: " + post.Body);
        Assert.Equal("/chat", post.Path);
        Assert.Equal("notification.escalated", post.Headers["X-AXME-Event-Type"]);
        Assert.Equal("escalated", post.Json["notification_type"]!.GetValue<string>());
        Assert.Equal(intentId.ToString(), post.Json["intent_id"]!.GetValue<string>());
        Assert.Equal("Refund approval escalated to bob", post.Json["text"]!.GetValue<string>());
        Assert.Equal(DeliveryIds.ForNotification(id), post.Json["delivery_id"]!.GetValue<string>());
        Assert.DoesNotContain(ClusterFixture.ChatSecret, post.Body);
    }

    [Fact]
    public async Task The_same_notification_id_sent_twice_is_delivered_once()
    {
        var intentId = (await (await IntentAsync()).GetAsync(_caller)).IntentId;
        var id = NewId("reminder:1:email");
        var first = await Notifier.SendAsync(fx.Client, id, Notification.ByEmail("reminder", intentId, ["dave@example.com"], "First", "one"));
        var second = await Notifier.SendAsync(fx.Client, id, Notification.ByEmail("reminder", intentId, ["dave@example.com"], "Second", "two"));
        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.Equal("First", second.Job.Email!.Subject);

        Assert.Equal(DeliveryStatus.Delivered, (await FinishedAsync(id))!.Status);
        // A later notification has gone through the same sink, so a duplicate of the first would be there by now.
        var later = NewId("reminder:2:email");
        await Notifier.SendAsync(fx.Client, later, Notification.ByEmail("reminder", intentId, ["dave@example.com"], "Later", "three"));
        Assert.Equal(DeliveryStatus.Delivered, (await FinishedAsync(later))!.Status);

        Assert.Equal("First", Assert.Single(fx.Smtp.For(DeliveryIds.ForNotification(id))).Message.Subject);
        Assert.Equal([DeliveryIds.ForNotification(id), DeliveryIds.ForNotification(later)],
            await fx.Client.GetGrain<INotificationLogGrain>(intentId).ListAsync());
    }
}
