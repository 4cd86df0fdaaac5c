using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.Intents;

/// <summary>Receives an intent's events as they are committed (used by SSE endpoints).</summary>
[Alias("axme.IIntentObserver")]
public interface IIntentObserver : IGrainObserver
{
    /// <summary>Called once per committed event, after the write succeeded.</summary>
    [OneWay, Alias("OnEvent")]
    Task OnEventAsync(IntentEvent intentEvent);
}
