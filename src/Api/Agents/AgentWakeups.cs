using System.Threading.Channels;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Agents;

namespace Axme.Api.Agents;

/// <summary>
/// The wake-ups a delivery stream (<see cref="AgentStream"/>) gets from its agent's grain: each names an intent that became
/// deliverable and, when the grain was told it, the row's cursor (docs/adr/040). They wait here while the stream is busy
/// marking and sending; up to <see cref="Capacity"/> of them, a further one is dropped and the drop remembered, so the
/// stream reads the rows instead (docs/adr/042).
/// </summary>
public sealed class AgentWakeups() : PushChannel<AgentWakeups.Wake>(Channel.CreateBounded<Wake>(
    new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true })), IAgentObserver
{
    /// <summary>As many as one read of the rows returns: a stream never sends more at once from wake-ups than from a read.</summary>
    public const int Capacity = DeliveryQueries.Batch;

    /// <summary>A wake-up: the intent that became deliverable, and its cursor when the agent grain was told it.</summary>
    public readonly record struct Wake(Guid IntentId, long? Cursor);

    private int _dropped;

    public Task OnDeliverableAsync(Guid intentId, long? cursor)
    {
        // Never waits: a full channel (or a closed one) refuses the write at once.
        if (!Push(new Wake(intentId, cursor))) Volatile.Write(ref _dropped, 1);
        return Task.CompletedTask;
    }

    /// <summary>The agent was killed: the window ends now (its stream.timeout frame gives the listener its cursor).</summary>
    public Task OnKilledAsync()
    {
        Close();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Takes every wake-up waiting. When together they name all there is to send — none was dropped since the last take
    /// (looked at after taking them, so one dropped meanwhile counts) and each carries its cursor — these are the
    /// deliveries, in cursor order, each committed before its wake-up was sent; otherwise null: the stream reads the rows.
    /// An intent named twice is in the list twice (the stream sends it once).
    /// </summary>
    public List<Delivery>? Take()
    {
        List<Delivery>? carried = [];
        while (Reader.TryRead(out var wake))
            if (wake.Cursor is { } cursor) carried?.Add(new Delivery(wake.IntentId, cursor));
            else carried = null; // one without its cursor: only a read finds where it goes
        if (Interlocked.Exchange(ref _dropped, 0) == 1 || carried is not { Count: > 0 }) return null;
        carried.Sort(static (a, b) => a.Cursor.CompareTo(b.Cursor));
        return carried;
    }
}
