using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Api.Intents;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Options;

namespace Axme.Api.Mcp;

/// <summary>
/// axme.intents_wait: subscribes to the intent grain like the SSE stream does (IntentStreamEndpoint), again at every
/// keepalive interval, and returns at the first terminal event or when timeout_seconds (≤ 60) run out; no polling.
/// </summary>
public static class McpWait
{
    public static async Task<JsonObject> RunAsync(McpCall c)
    {
        var grain = IntentEndpoints.Grain(c.Grains, c.Args.String("intent_id", 64, required: true)!);
        var timeout = TimeSpan.FromSeconds(c.Args.Int("timeout_seconds", 1, 60) ?? 30);
        using var slot = c.Services.GetRequiredService<StreamSlots>().Enter(c.Caller, StreamSlots.Mcp);
        var channel = new IntentEventChannel();
        var observer = c.Grains.CreateObjectReference<IIntentObserver>(channel);
        try
        {
            // The backlog comes in the same grain turn as the subscription, so a terminal event cannot slip between.
            var backlog = await grain.SubscribeAsync(c.Caller, observer, 0);
            // (Also ends when the node stops, answering with the current state.)
            using var window = c.Services.GetRequiredService<Hosting.NodeDrain>().Window(timeout, c.Aborted);
            var keepAlive = c.Services.GetRequiredService<IOptions<ApiOptions>>().Value.SseKeepAlive;
            try
            {
                while (!backlog.Any(e => e.IsTerminal) && !window.IsCancellationRequested)
                {
                    if (await channel.NextAsync(keepAlive, window.Token) is { } next)
                    {
                        if (next.IsTerminal) break;
                        continue;
                    }
                    // Pushes live in the intent grain's activation: should it have moved (its silo died), subscribing
                    // again revives them and returns the events since, as the SSE stream does at each keepalive.
                    backlog = await ResubscribeAsync(grain, c, observer) ?? backlog;
                }
            }
            catch (OperationCanceledException) when (!c.Aborted.IsCancellationRequested)
            {
                // Timed out: answer with the current state.
            }
        }
        finally
        {
            channel.Close();
            await Observers.ReleaseAsync(() => grain.UnsubscribeAsync(observer), () => c.Grains.DeleteObjectReference<IIntentObserver>(observer));
        }
        var intent = await grain.GetAsync(c.Caller);
        return Wire.Ok(("intent", IntentJson.Intent(intent)), ("terminal", intent.IsTerminal), ("timed_out", !intent.IsTerminal));
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
