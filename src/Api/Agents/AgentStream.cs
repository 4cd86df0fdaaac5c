using System.Text.Json.Nodes;
using System.Threading.Channels;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Agents;

/// <summary>
/// GET /v1/agents/{address}/intents/stream (PROTOCOL §6.4): sends the agent's deliveries after the
/// cursor from durable state, then waits for wake-ups from the agent grain (no polling loop) and sends
/// what became deliverable, with keepalives, until wait_seconds ends it with stream.timeout. An intent
/// handed out is marked DELIVERED first, so data.status is DELIVERED.
/// </summary>
public static class AgentStream
{
    public static async Task RunAsync(HttpContext http, Caller caller, AgentRecord agent, IGrainFactory grains, DeliveryQueries deliveries, ApiOptions options)
    {
        var since = Query.Int(http.Request, "since", 0) is { } s ? (long)s : LastEventId(http.Request) ?? 0;
        var wait = TimeSpan.FromSeconds(Query.Int(http.Request, "wait_seconds", 1, 60) ?? 15);
        var statuses = Query.Statuses(Query.String(http.Request, "status")?.Split(','), "status") ?? IntentStatus.NonTerminal;

        var wakeups = new Wakeups();
        var observer = grains.CreateObjectReference<IAgentObserver>(wakeups);
        var agentGrain = grains.GetGrain<IAgentGrain>(agent.Address);
        try
        {
            // Subscribe before the first read: anything committed after it wakes us, anything before it is read.
            await agentGrain.SubscribeAsync(observer);
            using var window = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            window.CancelAfter(wait);
            var sse = await SseWriter.StartAsync(http);
            var last = since;
            var sent = new HashSet<Guid>();
            while (!window.IsCancellationRequested)
            {
                IReadOnlyList<Delivery> batch;
                do
                {
                    batch = await deliveries.AfterAsync(agent, last, statuses, http.RequestAborted);
                    // Marked DELIVERED all at once, so the writes of one wake-up share a transaction (group commit),
                    // then sent in cursor order.
                    var fresh = batch.Where(d => sent.Add(d.IntentId)).ToArray();
                    var marked = await Task.WhenAll(fresh.Select(d => grains.GetGrain<IIntentGrain>(d.IntentId).MarkDeliveredAsync(caller)));
                    for (var i = 0; i < fresh.Length; i++)
                    {
                        var (d, intent) = (fresh[i], marked[i]);
                        if (!statuses.Contains(intent.Status)) continue;
                        await sse.EventAsync(d.Cursor, IntentEventType.Delivered, DeliveryMessage.Build(intent, d.Cursor, Math.Max(1, intent.DeliveryAttempt)), http.RequestAborted);
                        last = Math.Max(last, d.Cursor);
                    }
                } while (batch.Count == DeliveryQueries.Batch && !window.IsCancellationRequested);

                if (!await wakeups.WaitAsync(options.SseKeepAlive, window.Token))
                {
                    if (window.IsCancellationRequested) break;
                    await sse.KeepAliveAsync(http.RequestAborted);
                }
            }
            if (!http.RequestAborted.IsCancellationRequested)
                await sse.EventAsync("stream.timeout", new JsonObject { ["next_seq"] = last }, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The listener went away; its cursor tells where to resume.
        }
        finally
        {
            await Observers.ReleaseAsync(() => agentGrain.UnsubscribeAsync(observer), () => grains.DeleteObjectReference<IAgentObserver>(observer));
        }
    }

    private static long? LastEventId(HttpRequest request) =>
        long.TryParse(request.Headers["Last-Event-ID"].ToString(), out var id) && id >= 0 ? id : null;

    /// <summary>Wake-ups from the agent grain; many coalesce into one.</summary>
    private sealed class Wakeups : IAgentObserver
    {
        private readonly Channel<Guid> _channel = Channel.CreateBounded<Guid>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

        public Task OnDeliverableAsync(Guid intentId)
        {
            _channel.Writer.TryWrite(intentId);
            return Task.CompletedTask;
        }

        /// <summary>True when woken; false when the keepalive interval passed or the window closed.</summary>
        public async Task<bool> WaitAsync(TimeSpan keepAlive, CancellationToken window)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(window);
            tick.CancelAfter(keepAlive);
            try
            {
                await _channel.Reader.ReadAsync(tick.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
