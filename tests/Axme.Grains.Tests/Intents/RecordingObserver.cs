using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Intents;

/// <summary>An intent observer for tests: records pushed events and lets a test wait for them.</summary>
internal sealed class RecordingObserver : IIntentObserver
{
    private readonly Lock _lock = new();
    private readonly List<IntentEvent> _events = [];
    private readonly SemaphoreSlim _received = new(0);

    public IReadOnlyList<IntentEvent> Events
    {
        get { lock (_lock) return _events.ToArray(); }
    }

    public Task OnEventAsync(IntentEvent intentEvent)
    {
        lock (_lock) _events.Add(intentEvent);
        _received.Release();
        return Task.CompletedTask;
    }

    /// <summary>Waits until <paramref name="count"/> events have arrived; throws on timeout.</summary>
    public async Task<IReadOnlyList<IntentEvent>> WaitForAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        for (var i = 0; i < count; i++)
            await _received.WaitAsync(cts.Token);
        return Events;
    }

    /// <summary>True when any event arrives within <paramref name="window"/>.</summary>
    public Task<bool> AnyWithinAsync(TimeSpan window) => _received.WaitAsync(window);
}
