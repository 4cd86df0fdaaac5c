using Axme.Api.Agents;

namespace Axme.Grains.Tests.Api;

/// <summary>
/// A delivery stream's wake-ups (docs/adr/042): those that came while the stream was busy are sent together, in cursor
/// order, when each carries its cursor and none was dropped; otherwise the stream reads the rows.
/// </summary>
public sealed class AgentWakeupsTests
{
    private static Axme.Api.Agents.Delivery D(Guid intent, long cursor) => new(intent, cursor);

    [Fact]
    public async Task Wake_ups_that_came_meanwhile_are_taken_together_in_cursor_order()
    {
        var wakeups = new AgentWakeups();
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await wakeups.OnDeliverableAsync(a, 12);
        await wakeups.OnDeliverableAsync(b, 10); // its create committed first, its wake-up came later
        await wakeups.OnDeliverableAsync(c, 11);

        var taken = wakeups.Take();

        Assert.NotNull(taken);
        Assert.Equal([D(b, 10), D(c, 11), D(a, 12)], taken);
        Assert.Null(wakeups.Take()); // nothing waits now
    }

    [Fact]
    public async Task One_without_its_cursor_means_a_read_and_takes_the_others_with_it()
    {
        var wakeups = new AgentWakeups();
        await wakeups.OnDeliverableAsync(Guid.NewGuid(), 5);
        await wakeups.OnDeliverableAsync(Guid.NewGuid(), null); // the sweep's re-dispatch: the grain did not write it now
        await wakeups.OnDeliverableAsync(Guid.NewGuid(), 6);

        Assert.Null(wakeups.Take());
        Assert.False(wakeups.Reader.TryPeek(out _)); // all taken: the read covers them

        var next = Guid.NewGuid();
        await wakeups.OnDeliverableAsync(next, 7);
        Assert.Equal([D(next, 7)], wakeups.Take());
    }

    [Fact]
    public async Task Past_the_capacity_a_wake_up_is_dropped_and_the_next_take_reads_once()
    {
        var wakeups = new AgentWakeups();
        for (var i = 1; i <= AgentWakeups.Capacity + 1; i++) await wakeups.OnDeliverableAsync(Guid.NewGuid(), i);

        Assert.Null(wakeups.Take()); // the one dropped is only found by reading the rows

        var next = Guid.NewGuid();
        await wakeups.OnDeliverableAsync(next, AgentWakeups.Capacity + 2);
        Assert.Equal([D(next, AgentWakeups.Capacity + 2)], wakeups.Take()); // the drop was remembered once
    }

    [Fact]
    public async Task A_killed_agent_closes_the_channel_and_later_wake_ups_are_refused()
    {
        var wakeups = new AgentWakeups();
        await wakeups.OnKilledAsync();
        await wakeups.OnDeliverableAsync(Guid.NewGuid(), 1);

        Assert.Null(wakeups.Take());
        Assert.True(wakeups.Reader.Completion.IsCompleted);
    }
}
