using System.Diagnostics.Metrics;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Intents;

/// <summary>
/// The SSE data line of a pushed intent event, serialised once per silo however many streams follow the intent: the
/// grain pushes a commit's events to every listener in one call each, and the listeners on one silo receive the same
/// instances (an immutable type is not copied between grains and observers in one process), so the first stream's
/// bytes serve the others. The streams of one push write it within moments of each other, so the last frames are kept
/// in a small table of slots by event, matched by instance: a slot taken by a later event only costs a serialisation,
/// never a wrong line, and nothing is held longer than the next events need the slot. (A weak table keyed by the event
/// costs a GC handle per event, which every collection then scans: measurable under load for the one-listener case.)
/// Events a stream read for itself (its backlog, a gap) are other instances and do not come here.
/// </summary>
public static class IntentFrames
{
    private const int Slots = 1024; // a power of two

    private sealed record Frame(IntentEvent Event, byte[] Data);

    private static readonly Frame?[] Recent = new Frame?[Slots];

    private static readonly Counter<long> Shared = new Meter(AxmeNames.Meter).CreateCounter<long>("axme.streams.frames_shared",
        description: "Intent events written to a stream with the data line another stream on this node serialised");

    public static byte[] Of(IntentEvent e)
    {
        var slot = (e.IntentId.GetHashCode() ^ (e.Seq * 397)) & (Slots - 1);
        if (Volatile.Read(ref Recent[slot]) is { } kept && ReferenceEquals(kept.Event, e))
        {
            Shared.Add(1);
            return kept.Data;
        }
        var data = SseWriter.Fit(e.ToWire());
        Volatile.Write(ref Recent[slot], new Frame(e, data));
        return data;
    }
}
