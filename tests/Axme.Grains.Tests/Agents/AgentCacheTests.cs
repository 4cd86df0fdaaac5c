using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Tests.Common;
using Microsoft.Extensions.Time.Testing;
using Orleans.Core.Internal;

namespace Axme.Grains.Tests.Agents;

[Collection(ClusterCollection.Name)]
public sealed class AgentCacheTests(ClusterFixture fx)
{
    private readonly string _org = TestData.NewName("org");
    private readonly string _workspace = TestData.NewName("ws");

    [Fact]
    public async Task A_silo_keeps_an_agent_s_record_and_every_change_of_the_agent_drops_it_before_the_change_returns()
    {
        var address = (await CreateAsync("kept")).AgentAddress;
        var agent = fx.Client.GetGrain<IAgentGrain>(address);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new AgentCache(fx.Client, clock);

        // The grain's answer reaches this client as a new copy each time: the same instance twice means it was kept.
        Assert.NotSame(await agent.GetAsync(), await agent.GetAsync());
        var first = await cache.GetAgentAsync(address);
        Assert.Equal(DeliveryModes.Stream, first!.DeliveryMode);
        Assert.Same(first, await cache.GetAgentAsync(address));
        clock.Advance(AgentCache.Lifetime);
        Assert.NotSame(first, await cache.GetAgentAsync(address)); // past its lifetime the grain is asked again

        await agent.ConfigureAsync(new DeliverySettings { DeliveryMode = DeliveryModes.Poll });
        Assert.Equal(DeliveryModes.Poll, (await cache.GetAgentAsync(address))!.DeliveryMode);

        await agent.KillAsync("sa_admin", "a test");
        Assert.NotNull((await cache.GetAgentAsync(address))!.Killed);
        await agent.ResumeAsync("sa_admin");
        Assert.Null((await cache.GetAgentAsync(address))!.Killed);

        await agent.UnregisterAsync();
        Assert.Null(await cache.GetAgentAsync(address));
        Assert.Null(await cache.GetAgentAsync("agent://nobody/here/at-all")); // no agent: nothing kept, nothing held
    }

    [Fact]
    public async Task An_agent_tells_its_holders_to_forget_it_on_a_change_and_when_it_deactivates_and_keeps_none_while_deleted()
    {
        var address = (await CreateAsync("held")).AgentAddress;
        var agent = fx.Client.GetGrain<IAgentGrain>(address);
        var holder = new RecordingHolder();
        var reference = fx.Client.CreateObjectReference<IAgentHolder>(holder);
        try
        {
            Assert.NotNull(await agent.HoldAsync(reference));
            await agent.ConfigureAsync(new DeliverySettings { LeaseSeconds = 60 });
            Assert.Equal([address], holder.Forgotten()); // told before the change returned, not some time later
            await agent.ConfigureAsync(new DeliverySettings { LeaseSeconds = 90 });
            Assert.Empty(holder.Forgotten()); // told once: a holder that did not ask again is no longer one

            await agent.HoldAsync(reference);
            await agent.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            Assert.Equal([address], await Eventually.WaitAsync(() => Task.FromResult(holder.Forgotten()), f => f.Length > 0, TimeSpan.FromSeconds(10)));

            await agent.UnregisterAsync();
            Assert.Null(await agent.HoldAsync(reference)); // a deleted agent keeps no holder
            await agent.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            await Task.Delay(500);
            Assert.Empty(holder.Forgotten());
        }
        finally
        {
            fx.Client.DeleteObjectReference<IAgentHolder>(reference);
        }
    }

    private async Task<ServiceAccountRecord> CreateAsync(string name)
    {
        var workspace = await TestData.WorkspaceAsync(fx.Client, _org, _workspace);
        var (account, _) = await workspace.CreateServiceAccountAsync(new CreateServiceAccountCommand
        {
            OrgId = _org, WorkspaceId = _workspace, Name = name, CreatedByActorId = "sa_admin",
        });
        return account;
    }
}
