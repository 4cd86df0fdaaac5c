using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Api.Intents;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Mcp;

/// <summary>
/// axme.intents_wait: subscribes to the intent grain like the SSE stream does (IntentStreamEndpoint) and
/// returns at the first terminal event or when timeout_seconds (≤ 60) run out; no polling.
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
            if (!backlog.Any(e => e.IsTerminal))
            {
                // Also ends when the node stops (NodeDrain), answering with the current state.
                using var window = CancellationTokenSource.CreateLinkedTokenSource(c.Aborted, c.Services.GetRequiredService<Hosting.NodeDrain>().Closing);
                window.CancelAfter(timeout);
                try
                {
                    while (!(await channel.Reader.ReadAsync(window.Token)).IsTerminal) { }
                }
                catch (OperationCanceledException) when (!c.Aborted.IsCancellationRequested)
                {
                    // Timed out: answer with the current state.
                }
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
}
