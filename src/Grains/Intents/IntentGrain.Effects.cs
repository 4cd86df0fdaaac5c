using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Logging;

namespace Axme.Grains.Intents;

/// <summary>
/// What a committed write causes beyond the row (ADR 018 §3): events to listeners, lifecycle webhooks and people, the
/// agent's wake-up. None of it may fail the request that caused the write; each failure is logged and left to its repair.
/// </summary>
public sealed partial class IntentGrain
{
    private async Task AfterCommitAsync(string effect, Func<Task> run)
    {
        try
        {
            await run();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAfterCommitFailed(e, this.GetPrimaryKey(), effect);
        }
    }

    /// <summary>
    /// Wakes the listeners of the intent's agent (a wake-up only: the delivery is durable in the row, and a listener
    /// that misses it reads the rows again at its next keepalive), with the row's delivery cursor when this activation
    /// wrote it (docs/adr/040).
    /// </summary>
    private Task WakeAgentAsync(IntentRecord intent) =>
        AfterCommitAsync("wake the agent", () => GrainFactory.GetGrain<IAgentGrain>(intent.ToAgent).NotifyDeliverableAsync(intent.IntentId, S.DeliverySeq));

    /// <summary>
    /// Committed events to listeners (one-way: a slow or gone listener never blocks the intent), to lifecycle webhook
    /// subscribers (one-way, best effort across a crash at this point, unlike intent deliveries: docs/adr/007), and to
    /// the people of a human task.
    /// </summary>
    private async Task PublishAsync(IntentRecord intent, IReadOnlyList<IntentEvent> events)
    {
        if (events.Count == 0) return;
        await _observers.Notify(o => o.OnEventsAsync(events));
        if (intent.IsTerminal) _observers.Clear(); // they heard the terminal event, their last (docs/adr/034)
        if (await lifecycleSubscribers.WantedAsync(intent.OrgId, intent.WorkspaceId))
            await GrainFactory.GetGrain<IWebhookDirectoryGrain>(IWebhookDirectoryGrain.KeyFor(intent.OrgId, intent.WorkspaceId))
                .PublishIntentEventsAsync(intent, events);
        await NotifyPeopleAsync(intent, events);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intent {IntentId} committed, but could not {Effect} after it; left to its repair")]
    private partial void LogAfterCommitFailed(Exception e, Guid intentId, string effect);
}
