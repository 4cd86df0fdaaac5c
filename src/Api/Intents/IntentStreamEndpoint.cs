using System.Text.Json.Nodes;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Logging;

namespace Axme.Api.Intents;

/// <summary>
/// GET /v1/intents/{id}/events/stream (PROTOCOL §5.6): replays events after the cursor, then follows
/// events pushed by the intent grain (no polling), with keepalives. Every response ends with a
/// stream.timeout frame: right after a terminal event, or when wait_seconds runs out; then it closes.
/// </summary>
public static partial class IntentStreamEndpoint
{
    public static async Task Stream(HttpContext http, string intent_id, IGrainFactory grains, StreamSlots slots)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        using var slot = slots.Enter(caller, StreamSlots.Intent);
        var grain = IntentOperations.Grain(grains, intent_id);
        var since = (int)Math.Min(Query.StreamCursor(http.Request), int.MaxValue); // event seqs are ints
        var wait = Query.StreamWindow(http.Request);

        await using var live = http.RequestServices.GetRequiredService<IntentObservers>().Open(http.RequestServices, grain.GetPrimaryKey(),
            grain.UnsubscribeAsync, wait, http.RequestAborted);
        try
        {
            // Subscribing returns the backlog in the same grain turn, so no event falls between the two.
            var backlog = await grain.SubscribeAsync(caller, live.Observer, since);
            var sse = SseWriter.Start(http); // the headers leave with the backlog, in the loop's first flush
            var last = since;

            async Task<bool> SendAsync(IntentEvent e, bool pushed = false)
            {
                if (e.Seq <= last) return false; // already sent (replayed and pushed)
                if (e.Seq > last + 1)
                {
                    // A push overtook another: fill the gap from durable history, in order.
                    foreach (var missed in await grain.GetEventsAsync(caller, last))
                        if (missed.Seq < e.Seq && await SendAsync(missed)) return true;
                }
                if (pushed) await sse.AppendDataAsync(e.Seq, e.EventType, IntentFrames.Of(e));
                else await sse.AppendAsync(e.Seq, e.EventType, e.ToWire()); // read for this stream alone
                last = e.Seq;
                if (e.IsTerminal) live.Released(); // the grain keeps no listener past its terminal event
                return e.IsTerminal;
            }

            var done = false;
            var pending = backlog; // to send before waiting: the backlog, then what a re-subscription returns
            while (!done)
            {
                try
                {
                    // One flush for what is ready together: the headers and the backlog, a re-subscription's catch-up, or
                    // pushed events (a commit's events come together).
                    foreach (var e in pending)
                        if (!done) done = await SendAsync(e);
                    while (!done && live.Pushes.TryRead(out var pushed)) done = await SendAsync(pushed, pushed: true);
                    pending = [];
                    // A terminal event leaves with the closing frame and the end of the response, in one write.
                    if (done) break;
                    await sse.FlushAsync();
                    var woke = await live.WaitAsync();
                    if (woke == LiveWait.Closed) break;
                    if (woke == LiveWait.Pushed) continue;
                    await sse.KeepAliveAsync();
                    pending = await grain.SubscribeAsync(caller, live.Observer, last);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
                {
                    // The intent cannot be reached now (its silo died, the database is away): the window ends as
                    // usual, and the listener resumes from its cursor without missing an event.
                    LogStreamInterrupted(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IntentStreamEndpoint)), e, intent_id);
                    break;
                }
            }
            if (!http.RequestAborted.IsCancellationRequested)
                sse.AppendLast("stream.timeout", new Contracts.StreamTimeout { NextSeq = last });
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event stream of intent {IntentId} ended early; the listener resumes from its cursor")]
    private static partial void LogStreamInterrupted(ILogger log, Exception e, string intentId);
}
