using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Hosting;

/// <summary>
/// A write that lost a race with another activation of its grain (as happens while the cluster's membership changes)
/// wrote nothing and dropped its activation; the call is made again and lands on a fresh one (RejectedCallRetry).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RejectedCallRetryTests(ClusterFixture fx)
{
    private readonly Caller _caller = TestData.Caller();

    [Fact]
    public async Task A_write_that_raced_another_activation_is_made_again_on_a_fresh_activation_and_lands_once()
    {
        var id = Guid.NewGuid();
        var grain = fx.Client.GetGrain<IIntentGrain>(id);
        await grain.CreateAsync(TestData.Create(_caller));
        // Another activation's write, as the database sees it: the row moved on behind this activation's back.
        await fx.ScalarAsync<int>("UPDATE axme_intents SET version = version + 1 WHERE service_id = @s AND intent_id = @id RETURNING 1",
            ("s", fx.ServiceId), ("id", id));

        var resolved = await grain.ResolveAsync(_caller, TestData.Complete(), null);

        Assert.Equal(IntentStatus.Completed, resolved.Intent.Status);
        Assert.Equal(IntentStatus.Completed, await fx.ScalarAsync<string>(
            "SELECT status FROM axme_intents WHERE service_id = @s AND intent_id = @id", ("s", fx.ServiceId), ("id", id)));
        var completions = (await grain.GetEventsAsync(_caller, 0)).Count(e => e.EventType == IntentEventType.Completed);
        Assert.Equal(1, completions);
    }
}
