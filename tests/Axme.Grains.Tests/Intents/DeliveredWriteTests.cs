using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Intents;

/// <summary>
/// A stream delivery's DELIVERED rides on the intent's next write (docs/adr/031): one write for the mark and the
/// agent's answer, the timer's own write when no answer comes, a write at deactivation; readers of the event list
/// never see an event that is not written. (ClusterFixture.DeliveredWriteDelay is 2 s.)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DeliveredWriteTests(ClusterFixture fx)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Caller _caller = TestData.Caller();

    [Fact]
    public async Task The_mark_and_the_agents_answer_are_one_write_and_one_push_in_order()
    {
        var (id, grain) = await CreatedAsync();
        var observer = new RecordingObserver();
        var reference = fx.Client.CreateObjectReference<IIntentObserver>(observer);
        try
        {
            await grain.SubscribeAsync(_caller, reference, 2);
            var marked = await grain.MarkDeliveredAsync(_caller, deferWrite: true);

            Assert.Equal(IntentStatus.Delivered, marked.Status); // what the agent's message says
            Assert.Equal(IntentStatus.Delivered, (await grain.GetAsync(_caller)).Status);
            Assert.Equal([1, 2], (await grain.GetEventsAsync(_caller, 0)).Select(e => e.Seq)); // not written: not listed
            Assert.Equal((1, IntentStatus.Submitted, "1,2"), await RowAsync(id)); // storage as before the mark
            Assert.Empty(observer.Events);

            await grain.ResolveAsync(_caller, TestData.Complete(), null);
            await observer.WaitForAsync(3, Timeout);

            Assert.Equal((2, IntentStatus.Completed, "1,2,3,4,5"), await RowAsync(id)); // one write for both
            Assert.Equal([[(3, IntentEventType.Delivered), (4, IntentEventType.InProgress), (5, IntentEventType.Completed)]],
                observer.Pushes.Select(p => p.Select(e => (e.Seq, e.EventType)).ToArray()));
        }
        finally
        {
            await grain.UnsubscribeAsync(reference);
            fx.Client.DeleteObjectReference<IIntentObserver>(reference);
        }
    }

    [Fact]
    public async Task A_mark_no_answer_follows_is_written_by_its_timer_and_then_listed_and_pushed()
    {
        var (id, grain) = await CreatedAsync();
        var observer = new RecordingObserver();
        var reference = fx.Client.CreateObjectReference<IIntentObserver>(observer);
        try
        {
            await grain.SubscribeAsync(_caller, reference, 2);
            await grain.MarkDeliveredAsync(_caller, deferWrite: true);
            Assert.Equal(IntentStatus.Delivered, (await grain.MarkDeliveredAsync(_caller, deferWrite: true)).Status); // a second listener's mark: nothing new

            var pushed = await observer.WaitForAsync(1, Timeout);

            Assert.Equal([(3, IntentEventType.Delivered)], pushed.Select(e => (e.Seq, e.EventType)));
            Assert.Equal((2, IntentStatus.Delivered, "1,2,3"), await RowAsync(id));
            Assert.Equal([1, 2, 3], (await grain.GetEventsAsync(_caller, 0)).Select(e => e.Seq));
        }
        finally
        {
            await grain.UnsubscribeAsync(reference);
            fx.Client.DeleteObjectReference<IIntentObserver>(reference);
        }
    }

    [Fact]
    public async Task A_mark_not_yet_written_is_written_when_the_intent_is_deactivated()
    {
        var (id, grain) = await CreatedAsync();
        await grain.MarkDeliveredAsync(_caller, deferWrite: true);

        await fx.Cluster.DeactivateAsync(grain);

        Assert.Equal((2, IntentStatus.Delivered, "1,2,3"), await RowAsync(id));
        Assert.Equal(IntentStatus.Delivered, (await grain.GetAsync(_caller)).Status); // read again from its row
    }

    [Fact]
    public async Task A_mark_the_stream_wants_written_now_is_written_before_it_returns()
    {
        var (id, grain) = await CreatedAsync();

        Assert.Equal(IntentStatus.Delivered, (await grain.MarkDeliveredAsync(_caller, deferWrite: false)).Status);

        Assert.Equal((2, IntentStatus.Delivered, "1,2,3"), await RowAsync(id));
        Assert.Equal([1, 2, 3], (await grain.GetEventsAsync(_caller, 0)).Select(e => e.Seq));
    }

    private async Task<(Guid, IIntentGrain)> CreatedAsync()
    {
        var id = Guid.NewGuid();
        var grain = fx.Client.GetGrain<IIntentGrain>(id);
        await grain.CreateAsync(TestData.Create(_caller));
        return (id, grain);
    }

    /// <summary>The intent's row as stored: its version (one per write), its status and its stored events ("1,2,3").</summary>
    private async Task<(int Version, string Status, string Events)> RowAsync(Guid id)
    {
        var row = await fx.RowAsync("""
            SELECT v.version, v.status,
                   (SELECT array_agg(e.seq ORDER BY e.seq) FROM axme_intent_event_list e WHERE e.service_id = v.service_id AND e.intent_id = v.intent_id)
            FROM axme_intents v WHERE v.service_id = @service AND v.intent_id = @id
            """, ("service", fx.ServiceId), ("id", id));
        Assert.NotNull(row);
        return ((int)row[0]!, (string)row[1]!, string.Join(",", (int[])row[2]!));
    }
}
