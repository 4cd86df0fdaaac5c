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
/// never a wrong line, and nothing is held longer than the next events need the slot. A long line is not kept, so the
/// table holds at most <see cref="Slots"/> × <see cref="KeptBytes"/> (4 MiB) whatever the payloads. (A weak table
/// keyed by the event costs a GC handle per event, which every collection then scans, on the one-listener path too.)
/// Events a stream read for itself (its backlog, a gap) are other instances and do not come here.
/// </summary>
public static class IntentFrames
{
    /// <summary>A power of two: the streams of one push write it within moments, while a few hundred other events pass at most.</summary>
    private const int Slots = 256;

    /// <summary>Past this, a line is serialised by each stream (rare, and not worth pinning up to 60 KiB per slot).</summary>
    private const int KeptBytes = 16 * 1024;

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
        if (data.Length <= KeptBytes) Volatile.Write(ref Recent[slot], new Frame(e, data));
        return data;
    }
}
