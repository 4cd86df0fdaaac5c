using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Interfaces.Notifications;
using Microsoft.Extensions.Logging;

namespace Axme.Grains.Intents;

/// <summary>
/// Telling people (ADR 008, ADR 017 §7): e-mail and chat notifications of human task events, queued after the commit
/// on the channels this node has, with magic links for e-mailed assignees, sealed before they are stored.
/// </summary>
public sealed partial class IntentGrain
{
    /// <summary>
    /// E-mail and chat notifications for human task events, queued after the commit: queuing is two quick
    /// writes, the sending is retried by the delivery grains, and a failure to queue never fails the intent.
    /// </summary>
    private async Task NotifyPeopleAsync(IntentRecord intent, IReadOnlyList<IntentEvent> events)
    {
        // A node with no channel (the default) composes nothing: the task's JSON parsed, texts and the chat body built
        // per event, to be dropped by NotifyAsync, were 1 % of the node's CPU under the approval round trip.
        if (!channels.Any) return;
        foreach (var e in events)
            foreach (var (id, notification) in Humans.TaskNotifications.For(intent, e, MagicLinkFor(intent)))
            {
                try
                {
                    await NotifyAsync(id, notification);
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException or InvalidOperationException or ProtocolException { Status: 503 })
                {
                    LogNotifyFailed(ex, intent.IntentId, id);
                }
            }
    }

    /// <summary>
    /// Links for e-mailed tasks when this node serves the web inbox (the magic-link issuer is registered): valid
    /// until the task's deadline, or MagicLinkLifetime when it has none.
    /// </summary>
    private Func<string, Uri?>? MagicLinkFor(IntentRecord intent)
    {
        if (services.GetService(typeof(Interfaces.Humans.IMagicLinkIssuer)) is not Interfaces.Humans.IMagicLinkIssuer issuer) return null;
        var now = time.GetUtcNow();
        var ttl = intent.EffectiveDeadline is { } d && d > now ? d - now : options.Value.MagicLinkLifetime;
        return assignee => issuer.Create(intent.IntentId, assignee, ttl).Url;
    }

    /// <summary>
    /// Queues a notification on a channel this node has; one it has not configured is not sent and not recorded (a
    /// record per task saying "no channel" cost two writes for nothing, docs/adr/016).
    /// </summary>
    private Task NotifyAsync(string id, Interfaces.Notifications.Notification notification) =>
        channels.Unavailable(notification.ToJob(id)) is null ? Notifier.SendAsync(GrainFactory, id, channels.Seal(notification)) : Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intent {IntentId}: notification {NotificationId} could not be queued")]
    private partial void LogNotifyFailed(Exception e, Guid intentId, string notificationId);
}
