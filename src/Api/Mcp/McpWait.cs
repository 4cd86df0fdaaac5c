using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Api.Intents;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Mcp;

/// <summary>
/// axme.intents_wait: subscribes to the intent grain like the SSE stream does (IntentStreamEndpoint, the same
/// LiveSubscription), again at every keepalive interval, and returns at the first terminal event or when
/// timeout_seconds (≤ 60) run out, or the node stops: with the current state either way; no polling.
/// </summary>
public static class McpWait
{
    public static async Task<JsonObject> RunAsync(McpCall c)
    {
        var grain = IntentOperations.Grain(c.Grains, c.Args.String("intent_id", 64, required: true)!);
        var timeout = TimeSpan.FromSeconds(c.Args.Int("timeout_seconds", 1, 60) ?? 30);
        using var slot = c.Services.GetRequiredService<StreamSlots>().Enter(c.Caller, StreamSlots.Mcp);
        await using (var live = c.Services.GetRequiredService<IntentObservers>().Open(c.Services, grain.GetPrimaryKey(), grain.UnsubscribeAsync, timeout, c.Aborted))
        {
            // The backlog comes in the same grain turn as the subscription, so a terminal event cannot slip between.
            var ended = (await grain.SubscribeAsync(c.Caller, live.Observer, 0)).Any(e => e.IsTerminal);
            while (!ended)
            {
                var woke = await live.WaitAsync();
                if (woke == LiveWait.Closed) break;
                if (woke == LiveWait.Pushed)
                    while (live.Pushes.TryRead(out var e)) ended |= e.IsTerminal;
                else
                    ended = (await ResubscribeAsync(grain, c, live.Observer))?.Any(e => e.IsTerminal) ?? false;
            }
            if (ended) live.Released(); // the grain keeps no listener past its terminal event
        }
        c.Aborted.ThrowIfCancellationRequested();
        var intent = await grain.GetAsync(c.Caller);
        return Wire.Ok(("intent", Contracts.AxpJson.Node(intent.ToWire())), ("terminal", intent.IsTerminal), ("timed_out", !intent.IsTerminal));
    }

    /// <summary>The events after subscribing again, or null when the grain cannot be reached now (tried at the next interval).</summary>
    private static async Task<IReadOnlyList<IntentEvent>?> ResubscribeAsync(IIntentGrain grain, McpCall c, IIntentObserver observer)
    {
        try
        {
            return await grain.SubscribeAsync(c.Caller, observer, 0);
        }
        catch (Exception e) when (e is not OperationCanceledException && Errors.Transient.Is(e))
        {
            return null;
        }
    }
}
