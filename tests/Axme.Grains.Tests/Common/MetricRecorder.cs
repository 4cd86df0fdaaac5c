using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Tests.Common;

/// <summary>
/// Records what the in-process silo measures on one instrument of the "Axme" meter (value and tags). The silo is shared,
/// so other tests' measurements land here too: assert on the ones a test can tell apart (by tag or value).
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(double Value, Dictionary<string, object?> Tags)> _seen = new();

    public MetricRecorder(string instrument)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == AxmeNames.Meter && i.Name == instrument) l.EnableMeasurementEvents(i);
        };
        _listener.SetMeasurementEventCallback<double>((_, v, tags, _) => Record(v, tags));
        _listener.SetMeasurementEventCallback<long>((_, v, tags, _) => Record(v, tags));
        _listener.SetMeasurementEventCallback<int>((_, v, tags, _) => Record(v, tags));
        _listener.Start();
    }

    public IReadOnlyList<(double Value, Dictionary<string, object?> Tags)> Seen => [.. _seen];

    private void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _seen.Enqueue((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));

    public void Dispose() => _listener.Dispose();
}
