using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Logging;

namespace Axme.Api.Agents;

/// <summary>
/// GET /v1/agents/{address}/intents/stream (PROTOCOL §6.4): sends the agent's deliveries after the
/// cursor from durable state, then waits for wake-ups from the agent grain (no polling loop) and sends
/// what became deliverable, with keepalives, until wait_seconds ends it with stream.timeout. An intent
/// handed out is marked DELIVERED first, so data.status is DELIVERED.
/// </summary>
public static partial class AgentStream
{
    public static async Task RunAsync(HttpContext http, Caller caller, AgentRecord agent, IGrainFactory grains, DeliveryQueries deliveries)
    {
        var since = Query.StreamCursor(http.Request);
        var wait = Query.StreamWindow(http.Request);
        var statuses = Query.Statuses(Query.String(http.Request, "status")?.Split(','), "status") ?? IntentStatus.NonTerminal;
        var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AgentStream));

        var agentGrain = grains.GetGrain<IAgentGrain>(agent.Address);
        var wakeups = new AgentWakeups();
        await using var live = LiveSubscription<IAgentObserver, AgentWakeups.Wake>.Open(http.RequestServices, wakeups, agentGrain.UnsubscribeAsync,
            wait, http.RequestAborted);
        // Wake-ups that carry their intents' cursors are sent without reading the rows (docs/adr/040, 042); the rows are
        // read after any other wake-up. Only a stream that sends SUBMITTED intents marks them DELIVERED.
        var carried = statuses.Contains(IntentStatus.Submitted);
        try
        {
            // Subscribe before the first read: anything committed after it wakes us, anything before it is read. Both
            // happen before the 200, so a node that cannot serve the stream says so (503, Retry-After) instead of
            // answering and then dropping the connection, which listeners would retry at once.
            // (A kill between the caller's check and this subscription is seen here, before the 200.)
            if (!await agentGrain.SubscribeAsync(live.Observer)) throw Mesh.MeshOperations.Killed(agent.Address);
            IReadOnlyList<Delivery>? batch = await deliveries.AfterAsync(agent, since, statuses, [], http.RequestAborted);
            var fromRows = true; // the batch was read (a full one may have more behind it), not carried by wake-ups
            var sse = SseWriter.Start(http); // the headers leave with the first batch's flush below
            var last = since;
            var sent = new HashSet<Guid>();
            while (true)
            {
                var held = false;
                // A full batch means more may follow it: the next read leaves out every row this wake-up read already.
                // SUBMITTED rows come whatever the cursor, and one whose DELIVERED is not written yet (docs/adr/031) is
                // still SUBMITTED: without this, a batch of those would be read again and again until they are written.
                var read = new List<Guid>();
                while (batch is not null && !held)
                {
                    // Marked DELIVERED all at once, then sent in cursor order. A mark is written with the intent's next
                    // write, usually the agent's answer (docs/adr/031); with Axme:Intents:DeliveredWriteDelay = 0 it is
                    // written now, and the writes of one wake-up share a transaction (group commit). One the database
                    // refused is skipped: it is still SUBMITTED, which is read again whatever the cursor, so it never
                    // ends the stream of the others. One whose outcome is unknown (a timeout, a broken connection: it
                    // may have committed DELIVERED) holds the stream at its cursor:
                    // were later ones sent, the listener's cursor would pass it, and a DELIVERED intent behind the cursor
                    // is never read again. Held ones, and those after them, are read and marked again shortly (marking
                    // is idempotent), until the outcome is known.
                    var fresh = batch.Where(d => sent.Add(d.IntentId)).ToArray();
                    // Rows read again though sent before are mostly marks not written yet: past a few, the agent is not
                    // answering within the delay (a burst, a slow agent), and deferring would only make every read
                    // longer; the marks are then written now, in one transaction (docs/adr/031).
                    var deferWrites = batch.Count - fresh.Length <= DeferWhileUnwrittenAtMost;
                    var marks = await Task.WhenAll(fresh.Select(d => MarkAsync(grains, caller, d, deferWrites, log)));
                    for (var i = 0; i < fresh.Length; i++)
                    {
                        var (d, mark) = (fresh[i], marks[i]);
                        held |= mark.Unknown;
                        if (held || mark.Intent is null) sent.Remove(d.IntentId);
                        if (held || mark.Intent is not { } intent || !statuses.Contains(intent.Status)) continue;
                        await sse.AppendAsync(d.Cursor, IntentEventType.Delivered, DeliveryMessage.Build(intent, d.Cursor, Math.Max(1, intent.DeliveryAttempt)));
                        last = Math.Max(last, d.Cursor);
                    }
                    // The batch's deliveries were marked together: they leave in one write (and the headers with the first).
                    await sse.FlushAsync();
                    // Only a full batch read from the rows may have more behind it (a carried one never does): the next
                    // read leaves out what this one read.
                    if (fromRows) read.AddRange(batch.Select(d => d.IntentId));
                    batch = !held && fromRows && batch.Count == DeliveryQueries.Batch && !live.IsClosed
                        ? await ReadAsync(deliveries, agent, last, statuses, read, log, http.RequestAborted) : null;
                }

                var woke = await live.WaitAsync(held ? HeldRetry : null);
                if (woke == LiveWait.Closed) break;
                if (woke == LiveWait.Pushed)
                {
                    // The wake-ups that came while the last batch was marked and sent, sent together when they carry
                    // their cursors and none was dropped: those intents alone are new (docs/adr/042). Any other: one read.
                    // So is every wake-up while a mark is held: sent, they would move the cursor past the held intent,
                    // which a read from the cursor finds again only before it.
                    if (wakeups.Take() is { } wakes && carried && !held)
                    {
                        Carried.Add(wakes.Count);
                        (batch, fromRows) = (wakes, false);
                        continue;
                    }
                }
                else
                {
                    await sse.KeepAliveAsync();
                    // Wake-ups live in the agent grain's memory: should its activation have gone (its silo died, or it
                    // was collected), this subscribes again, so no wake-up depends on one activation for long. (Not
                    // while a mark is held: that is retried every second, and the cluster is likely struggling.) A
                    // kill that came before the subscription could hear of it is seen here (ADR 022).
                    if (!held && !await ResubscribeAsync(agentGrain, live.Observer, log)) break;
                }
                (batch, fromRows) = (await ReadAsync(deliveries, agent, last, statuses, [], log, http.RequestAborted), true);
            }
            if (!http.RequestAborted.IsCancellationRequested)
                sse.AppendLast("stream.timeout", new StreamTimeout { NextSeq = last });
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The listener went away; its cursor tells where to resume.
        }
    }

    /// <summary>The deliveries after the cursor, or null when they cannot be read now (the stream waits and reads again).</summary>
    private static async Task<IReadOnlyList<Delivery>?> ReadAsync(DeliveryQueries deliveries, AgentRecord agent, long after,
        IReadOnlyList<string> statuses, IReadOnlyCollection<Guid> skip, ILogger log, CancellationToken ct)
    {
        try
        {
            return await deliveries.AfterAsync(agent, after, statuses, skip, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogReadFailed(log, e, agent.Address);
            return null;
        }
    }

    private static readonly Counter<long> Carried = new Meter(AxmeNames.Meter).CreateCounter<long>("axme.streams.deliveries_carried",
        description: "Agent stream deliveries sent at the cursors their wake-ups carried, without reading the rows (docs/adr/040, 042)");

    /// <summary>How soon a mark whose outcome is unknown is tried again.</summary>
    private static readonly TimeSpan HeldRetry = TimeSpan.FromSeconds(1);

    /// <summary>A DELIVERED mark: the intent as marked; or refused (no intent; nothing was written); or of unknown outcome.</summary>
    private readonly record struct Mark(IntentRecord? Intent, bool Unknown);

    /// <summary>Rows a read may return again (sent, their DELIVERED not written yet) while the stream still defers marks.</summary>
    private const int DeferWhileUnwrittenAtMost = 32;

    private static async Task<Mark> MarkAsync(IGrainFactory grains, Caller caller, Delivery d, bool deferWrite, ILogger log)
    {
        try
        {
            return new Mark(await grains.GetGrain<IIntentGrain>(d.IntentId).MarkDeliveredAsync(caller, deferWrite), false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var unknown = Errors.Transient.Is(e);
            LogMarkFailed(log, e, d.IntentId, unknown ? "holds the stream at its cursor until it is known" : "is skipped and offered again");
            return new Mark(null, unknown);
        }
    }

    /// <summary>Subscribes again; false when the agent is now killed (the stream then ends).</summary>
    private static async Task<bool> ResubscribeAsync(IAgentGrain agentGrain, IAgentObserver observer, ILogger log)
    {
        try
        {
            return await agentGrain.SubscribeAsync(observer);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogResubscribeFailed(log, e);
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent stream of {Agent}: deliveries not read now, read again at the next keepalive")]
    private static partial void LogReadFailed(ILogger log, Exception e, string agent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent stream: intent {IntentId} not marked delivered now; it {Then}")]
    private static partial void LogMarkFailed(ILogger log, Exception e, Guid intentId, string then);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent stream: could not subscribe again to wake-ups; tried again at the next keepalive")]
    private static partial void LogResubscribeFailed(ILogger log, Exception e);
}
