using System.Diagnostics.Metrics;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Common;

/// <summary>
/// The runtime's own meters (meter "Axme"; scraped at /metrics as axme_*, exported over OTLP when configured). Gauges of
/// the database (live intents by status) are the silo's (NodeMetrics); the open streams are the API's (StreamSlots).
/// </summary>
public static class AxmeMetrics
{
    public const string MeterName = AxmeNames.Meter;
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Created = Meter.CreateCounter<long>("axme.intents.created", description: "Intents created");
    private static readonly Counter<long> Finished = Meter.CreateCounter<long>("axme.intents.finished", description: "Intents that reached a terminal status");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("axme.intents.duration", "s", "Time from create to terminal status",
        advice: Buckets(0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400, 604800));
    private static readonly Histogram<int> StoreBatch = Meter.CreateHistogram<int>("axme.intents.store.batch",
        description: "Intent writes (kind=write) or reads (kind=read) sent in one round trip, and committed in one transaction",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    private static readonly Histogram<double> StoreDuration = Meter.CreateHistogram<double>("axme.intents.store.duration", "s",
        "Time of one batch of the intents' storage in PostgreSQL, connection to commit (kind=write|read)",
        advice: Buckets(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5));
    private static readonly Histogram<double> TimerLateness = Meter.CreateHistogram<double>("axme.timers.lateness", "s",
        "How late an intent's durable timer fired: fire time minus due time (deadlines, reminders, retries, wake-ups)",
        advice: Buckets(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300));
    private static readonly Counter<long> DeliveryAttempts = Meter.CreateCounter<long>("axme.deliveries.attempts",
        description: "Delivery attempts (webhooks, agent HTTP, e-mail, chat) by kind and outcome=ok|failed");
    private static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("axme.deliveries.dead_letters",
        description: "Deliveries given up after their last attempt, by kind");

    /// <summary>One batch of the intents' storage (group commit, docs/adr/016).</summary>
    public static void IntentStoreBatch(string kind, int size, TimeSpan took)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        StoreBatch.Record(size, tag);
        StoreDuration.Record(took.TotalSeconds, tag);
    }

    public static void IntentCreated(IntentRecord intent) =>
        Created.Add(1, new KeyValuePair<string, object?>("intent_type", intent.IntentType));

    public static void IntentFinished(IntentRecord intent)
    {
        var status = new KeyValuePair<string, object?>("status", intent.Status);
        Finished.Add(1, status);
        Duration.Record((intent.UpdatedAt - intent.CreatedAt).TotalSeconds, status);
    }

    /// <summary>A durable timer fired <paramref name="late"/> after its due time (negative: early, recorded as 0).</summary>
    public static void TimerFired(TimeSpan late) => TimerLateness.Record(Math.Max(0, late.TotalSeconds));

    public static void DeliveryAttempt(string kind, bool ok) =>
        DeliveryAttempts.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", ok ? "ok" : "failed"));

    public static void DeadLettered(string kind) => DeadLetters.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Bucket bounds in seconds (OpenTelemetry's defaults are for milliseconds).</summary>
    private static InstrumentAdvice<double> Buckets(params double[] bounds) => new() { HistogramBucketBoundaries = bounds };
}
