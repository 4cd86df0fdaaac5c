using System.Threading.Channels;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Intents;

/// <summary>
/// Hands one intent's pushed events, in order, to one live response (an SSE stream, an MCP wait). The grain pushes to
/// a relay of <see cref="IntentObservers"/>, which hands this channel its intent's events while it serves it.
/// </summary>
public sealed class IntentEventChannel() : PushChannel<IntentEvent>(Channel.CreateUnbounded<IntentEvent>(new() { SingleReader = true }))
{
    /// <summary>Takes one pushed event (dropped once the response has ended).</summary>
    public void Accept(IntentEvent intentEvent) => Push(intentEvent);
}
