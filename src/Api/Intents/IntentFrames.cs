using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Intents;

/// <summary>
/// The SSE data line of a pushed intent event, serialised once per silo however many streams follow the intent: the
/// grain pushes a commit's events to every listener in one call each, and the listeners on one silo receive the same
/// instances (an immutable type is not copied between grains and observers in one process), so the first stream's
/// bytes serve the others. Keyed by instance, so an entry lives exactly as long as its event; events a stream read for
/// itself (its backlog, a gap) are other instances and do not come here.
/// </summary>
public static class IntentFrames
{
    private static readonly ConditionalWeakTable<IntentEvent, byte[]> Frames = new();

    private static readonly Counter<long> Shared = new Meter(AxmeNames.Meter).CreateCounter<long>("axme.streams.frames_shared",
        description: "Intent events written to a stream with the data line another stream on this node serialised");

    public static byte[] Of(IntentEvent e)
    {
        if (Frames.TryGetValue(e, out var frame))
        {
            Shared.Add(1);
            return frame;
        }
        frame = SseWriter.Fit(e.ToWire());
        // Two streams serialising the same event at once both write their own bytes (identical); the first is kept.
        return Frames.GetValue(e, _ => frame);
    }
}
