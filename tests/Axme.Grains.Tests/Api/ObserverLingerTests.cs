using Axme.Api.Http;
using Microsoft.Extensions.Time.Testing;

namespace Axme.Grains.Tests.Api;

/// <summary>
/// An ended live subscription's observer reference is deleted once <see cref="ObserverLinger.Linger"/> has passed, not
/// before (a push sent just before the unsubscribe may still arrive), in the order released, all from one timer.
/// </summary>
public sealed class ObserverLingerTests
{
    private sealed class Observer(string name) : IGrainObserver
    {
        public override string ToString() => name;
    }

    [Fact]
    public void References_are_deleted_once_their_linger_has_passed_in_release_order_and_a_failed_delete_stops_none()
    {
        var time = new FakeTimeProvider();
        var deleted = new List<string>();
        using var linger = new ObserverLinger(o =>
        {
            deleted.Add(o.ToString()!);
            if (o.ToString() == "b") throw new InvalidOperationException("already gone");
        }, time);

        linger.Release(new Observer("a"));
        time.Advance(TimeSpan.FromSeconds(10));
        linger.Release(new Observer("b"));
        linger.Release(new Observer("c"));
        time.Advance(TimeSpan.FromSeconds(19)); // 29 s after a
        Assert.Empty(deleted);
        Assert.Equal(3, linger.Pending);

        time.Advance(TimeSpan.FromSeconds(1)); // a's 30 s
        Assert.Equal(["a"], deleted);

        time.Advance(TimeSpan.FromSeconds(10)); // b's and c's
        Assert.Equal(["a", "b", "c"], deleted);
        Assert.Equal(0, linger.Pending);
    }
}
