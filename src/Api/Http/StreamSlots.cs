using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Axme.Grains.Interfaces.Common;
using Microsoft.Extensions.Options;

namespace Axme.Api.Http;

/// <summary>
/// Held-open requests — SSE streams (intent events, agent deliveries) and MCP waits — per node and per key (ADR 017
/// §8): past Axme:Api:MaxStreams on the node or MaxStreamsPerKey for one key, a new one is 503 too_many_streams with
/// Retry-After, so neither one key nor a crowd holds every connection of a node. A slot is taken before the stream
/// starts and given back when it ends, however it ends.
/// </summary>
public sealed class StreamSlots(IOptions<ApiOptions> options)
{
    /// <summary>Kinds of held-open request, the "kind" of the axme.streams.open metric.</summary>
    public const string Intent = "intent", Agent = "agent", Mcp = "mcp";

    private static readonly UpDownCounter<int> Open = new Meter(AxmeNames.Meter).CreateUpDownCounter<int>("axme.streams.open",
        description: "Held-open requests on this node: SSE intent streams, agent streams, MCP waits (kind)");

    private readonly ConcurrentDictionary<string, int> _perKey = new();
    private int _total;

    /// <summary>The slot of one held-open request of <paramref name="caller"/>; dispose it when the request ends.</summary>
    public IDisposable Enter(Caller caller, string kind)
    {
        var o = options.Value;
        var key = $"{caller.ServiceAccountId}/{caller.KeyId}";
        if (Interlocked.Increment(ref _total) > o.MaxStreams)
        {
            Interlocked.Decrement(ref _total);
            throw Busy($"this node holds its maximum of {o.MaxStreams} streams");
        }
        if (_perKey.AddOrUpdate(key, 1, (_, n) => n + 1) > o.MaxStreamsPerKey)
        {
            Leave(key);
            throw Busy($"this key holds its maximum of {o.MaxStreamsPerKey} streams on this node");
        }
        Open.Add(1, new KeyValuePair<string, object?>("kind", kind));
        return new Slot(this, key, kind);
    }

    /// <summary>Streams held now (for tests and metrics).</summary>
    public int Count => Volatile.Read(ref _total);

    private void Leave(string key)
    {
        Interlocked.Decrement(ref _total);
        if (_perKey.AddOrUpdate(key, 0, (_, n) => n - 1) <= 0) _perKey.TryRemove(new KeyValuePair<string, int>(key, 0));
    }

    private ProtocolException Busy(string why) =>
        new(503, "too_many_streams", why + "; retry later",
            new Dictionary<string, string> { ["retry_after"] = options.Value.StreamRetryAfterSeconds.ToString(CultureInfo.InvariantCulture) });

    private sealed class Slot(StreamSlots slots, string key, string kind) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            slots.Leave(key);
            Open.Add(-1, new KeyValuePair<string, object?>("kind", kind));
        }
    }
}
