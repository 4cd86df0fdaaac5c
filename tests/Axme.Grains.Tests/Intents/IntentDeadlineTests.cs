using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Intents;

[Collection(ClusterCollection.Name)]
public sealed class IntentDeadlineTests(ClusterFixture fx)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Deadline_reminder_times_the_intent_out_once()
    {
        var caller = TestData.Caller();
        var grain = fx.Client.GetGrain<IIntentGrain>(Guid.NewGuid());
        var created = await grain.CreateAsync(TestData.Create(caller, deadlineAt: DateTimeOffset.UtcNow.AddSeconds(2)));
        Assert.Equal(1, await ReminderRowsAsync(grain));

        var intent = await Eventually.WaitAsync(() => grain.GetAsync(caller), i => i.IsTerminal, Timeout);
        var reminders = await Eventually.WaitAsync(() => ReminderRowsAsync(grain), n => n == 0, Timeout);
        var events = await grain.GetEventsAsync(caller, 0);

        Assert.Equal(IntentStatus.TimedOut, intent.Status);
        Assert.True(intent.UpdatedAt >= created.Intent.EffectiveDeadline);
        Assert.Equal(0, reminders);
        var timedOut = Assert.Single(events, e => e.IsTerminal);
        Assert.Equal((3, IntentEventType.TimedOut), (timedOut.Seq, timedOut.EventType));
        Assert.Equal(3, events.Count);
    }

    [Fact]
    public async Task Resolve_before_the_deadline_removes_the_reminder()
    {
        var caller = TestData.Caller();
        var grain = fx.Client.GetGrain<IIntentGrain>(Guid.NewGuid());
        var deadline = DateTimeOffset.UtcNow.AddSeconds(2);
        await grain.CreateAsync(TestData.Create(caller, deadlineAt: deadline));
        Assert.Equal(1, await ReminderRowsAsync(grain));

        await grain.ResolveAsync(caller, TestData.Complete(), null);
        Assert.Equal(0, await ReminderRowsAsync(grain));

        // Nothing may happen once the deadline (the first reminder tick) and a margin have passed: an observer that
        // hears any event fails the test, and the stored state must not have moved.
        var observer = new RecordingObserver();
        var reference = fx.Client.CreateObjectReference<IIntentObserver>(observer);
        try
        {
            await grain.SubscribeAsync(caller, reference, 4);
            var quiet = deadline + ClusterFixture.ReminderPeriod - DateTimeOffset.UtcNow;
            var heard = quiet > TimeSpan.Zero && await observer.AnyWithinAsync(quiet);
            await grain.CheckDeadlineAsync();

            Assert.False(heard);
            Assert.Empty(observer.Events);
            Assert.Equal(IntentStatus.Completed, (await grain.GetAsync(caller)).Status);
            Assert.Equal([1, 2, 3, 4], (await grain.GetEventsAsync(caller, 0)).Select(e => e.Seq));
            Assert.Equal(0, await ReminderRowsAsync(grain));
        }
        finally
        {
            await grain.UnsubscribeAsync(reference);
            fx.Client.DeleteObjectReference<IIntentObserver>(reference);
        }
    }

    private async Task<long> ReminderRowsAsync(IIntentGrain grain) =>
        await fx.ScalarAsync<long>(
            "SELECT count(*) FROM orleansreminderstable WHERE serviceid = @service AND grainid = @grain",
            ("service", fx.ServiceId), ("grain", grain.GetGrainId().ToString()));
}
