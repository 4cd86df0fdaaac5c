using System.Diagnostics.Metrics;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Common;

/// <summary>The runtime's own meters (exported with OpenTelemetry under the meter name "Axme").</summary>
public static class AxmeMetrics
{
    public const string MeterName = "Axme";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Created = Meter.CreateCounter<long>("axme.intents.created", description: "Intents created");
    private static readonly Counter<long> Finished = Meter.CreateCounter<long>("axme.intents.finished", description: "Intents that reached a terminal status");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("axme.intents.duration", "s", "Time from create to terminal status");
    private static readonly Histogram<int> StoreBatch = Meter.CreateHistogram<int>("axme.intents.store.batch",
        description: "Intent writes (kind=write) or reads (kind=read) sent in one round trip, and committed in one transaction");

    /// <summary>One batch of the intents' storage (group commit, docs/adr/016).</summary>
    public static void IntentStoreBatch(string kind, int size) => StoreBatch.Record(size, new KeyValuePair<string, object?>("kind", kind));

    public static void IntentCreated(IntentRecord intent) =>
        Created.Add(1, new KeyValuePair<string, object?>("intent_type", intent.IntentType));

    public static void IntentFinished(IntentRecord intent)
    {
        var status = new KeyValuePair<string, object?>("status", intent.Status);
        Finished.Add(1, status);
        Duration.Record((intent.UpdatedAt - intent.CreatedAt).TotalSeconds, status);
    }
}
