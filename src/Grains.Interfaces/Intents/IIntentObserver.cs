using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.Intents;

/// <summary>Receives an intent's events as they are committed (used by SSE endpoints).</summary>
[Alias("axme.IIntentObserver")]
public interface IIntentObserver : IGrainObserver
{
    /// <summary>One committed event, after the write succeeded (what nodes of earlier versions send).</summary>
    [OneWay, Alias("OnEvent")]
    Task OnEventAsync(IntentEvent intentEvent);

    /// <summary>
    /// The events of one commit, in order, after the write succeeded: one message per commit, not per event, so a
    /// listener writes them out together (one SSE flush for a step's end, the next step's start and the wait).
    /// </summary>
    [OneWay, Alias("OnEvents")]
    Task OnEventsAsync(IReadOnlyList<IntentEvent> events);
}
