using System.Threading.Channels;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Intents;

/// <summary>An intent observer that hands pushed events, in order, to one live response (an SSE stream, an MCP wait).</summary>
public sealed class IntentEventChannel() : PushChannel<IntentEvent>(Channel.CreateUnbounded<IntentEvent>(new() { SingleReader = true })), IIntentObserver
{
    public Task OnEventAsync(IntentEvent intentEvent) => OnEventsAsync([intentEvent]);

    public Task OnEventsAsync(IReadOnlyList<IntentEvent> events)
    {
        foreach (var e in events) Push(e);
        return Task.CompletedTask;
    }
}
