using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Intents;

/// <summary>An intent observer for tests: records pushed events and lets a test wait for them.</summary>
internal sealed class RecordingObserver : IIntentObserver
{
    private readonly Lock _lock = new();
    private readonly List<IntentEvent> _events = [];
    private readonly List<IReadOnlyList<IntentEvent>> _pushes = [];
    private readonly SemaphoreSlim _received = new(0);

    public IReadOnlyList<IntentEvent> Events
    {
        get { lock (_lock) return _events.ToArray(); }
    }

    public Task OnEventAsync(IntentEvent intentEvent) => OnEventsAsync([intentEvent]);

    /// <summary>The pushes as they came: one per commit.</summary>
    public IReadOnlyList<IReadOnlyList<IntentEvent>> Pushes
    {
        get { lock (_lock) return _pushes.ToArray(); }
    }

    public Task OnEventsAsync(IReadOnlyList<IntentEvent> events)
    {
        lock (_lock)
        {
            _events.AddRange(events);
            _pushes.Add([.. events]);
        }
        _received.Release(events.Count);
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
