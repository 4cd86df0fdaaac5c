using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Inbox;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Delivery;

/// <summary>The internal and inbox bindings: deliveries the runtime pushes without leaving the silo.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PushedDeliveryTests(ClusterFixture fx)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly Caller _caller = TestData.Caller();

    /// <summary>A registered agent with a fresh name and the given binding.</summary>
    private async Task<string> AgentAsync(DeliverySettings settings, string? name = null)
    {
        name ??= TestData.NewName("agent");
        var address = $"agent://acme/ops/{name}";
        var grain = fx.Client.GetGrain<IAgentGrain>(address);
        await grain.RegisterAsync(new ServiceAccountRecord
        {
            ServiceAccountId = "sa_" + name, OrgId = "acme", WorkspaceId = "ops", Name = name, Status = "active",
            CreatedByActorId = "test", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, AgentAddress = address,
        });
        await grain.ConfigureAsync(settings);
        return address;
    }

    private async Task<IIntentGrain> SendAsync(string toAgent, string payloadJson)
    {
        var id = Guid.NewGuid();
        var grain = fx.Client.GetGrain<IIntentGrain>(id);
        await grain.CreateAsync(TestData.Create(_caller) with { ToAgent = toAgent, PayloadJson = payloadJson });
        return grain;
    }

    private static Task<IntentRecord> TerminalAsync(IIntentGrain grain, Caller caller) =>
        Eventually.WaitAsync(() => grain.GetAsync(caller), i => i.IsTerminal, Timeout);

    [Fact]
    public async Task An_internal_handler_runs_in_the_silo_and_completes_the_intent_with_its_result()
    {
        var agent = await AgentAsync(new DeliverySettings { DeliveryMode = DeliveryModes.Internal, InternalHandler = "echo" });
        var grain = await SendAsync(agent, """{"hello": "world"}""");
        var done = await TerminalAsync(grain, _caller);
        Assert.Equal(IntentStatus.Completed, done.Status);
        Assert.Contains("\"echo\":{\"hello\":\"world\"}", done.ResultJson);
        var events = await grain.GetEventsAsync(_caller, 0);
        Assert.Equal([IntentEventType.Created, IntentEventType.Submitted, IntentEventType.Delivered, IntentEventType.InProgress, IntentEventType.Completed],
            events.Select(e => e.EventType));
        Assert.Equal(agent, events[^1].Actor);
    }

    [Fact]
    public async Task A_throwing_internal_handler_is_retried_with_every_attempt_recorded()
    {
        var agent = await AgentAsync(new DeliverySettings { DeliveryMode = DeliveryModes.Internal, InternalHandler = "flaky", MaxDeliveryAttempts = 5 });
        var grain = await SendAsync(agent, """{"fail_times": 2}""");
        var done = await TerminalAsync(grain, _caller);
        Assert.Equal(IntentStatus.Completed, done.Status);
        Assert.Equal("""{"calls":3}""", done.ResultJson);
        var delivery = await fx.Client.GetGrain<IDeliveryGrain>(DeliveryIds.ForIntent(done.IntentId)).GetAsync();
        Assert.Equal(DeliveryStatus.Delivered, delivery!.Status);
        Assert.Equal(3, delivery.Attempts.Count);
        Assert.All(delivery.Attempts.Take(2), a => Assert.Contains("flaky failure", a.Error));
        Assert.Null(delivery.Attempts[2].Error);
        Assert.Equal("internal:flaky", delivery.Attempts[0].Url);
    }

    [Fact]
    public async Task An_internal_handler_that_keeps_throwing_is_dead_lettered_and_one_that_refuses_fails_the_intent()
    {
        var agent = await AgentAsync(new DeliverySettings { DeliveryMode = DeliveryModes.Internal, InternalHandler = "flaky", MaxDeliveryAttempts = 2 });
        var broken = await TerminalAsync(await SendAsync(agent, """{"fail_times": 100}"""), _caller);
        Assert.Equal(IntentStatus.Failed, broken.Status);
        Assert.Contains("delivery_failed", broken.ErrorJson);
        Assert.Equal(2, FlakyHandler.Instance.Calls(broken.IntentId));

        var refused = await TerminalAsync(await SendAsync(agent, """{"decide": "fail"}"""), _caller);
        Assert.Equal(IntentStatus.Failed, refused.Status);
        Assert.Contains("refused", refused.ErrorJson);
    }

    [Fact]
    public async Task An_unknown_internal_handler_is_refused_when_the_agent_is_configured()
    {
        var e = await Assert.ThrowsAsync<ProtocolException>(() =>
            AgentAsync(new DeliverySettings { DeliveryMode = DeliveryModes.Internal, InternalHandler = "no-such-handler" }));
        Assert.Equal(422, e.Status);
        Assert.Equal("unknown_internal_handler", e.Code);
    }

    [Fact]
    public async Task An_inbox_delivery_opens_a_thread_in_the_agents_inbox_and_approving_it_completes_the_intent()
    {
        var agent = await AgentAsync(new DeliverySettings { DeliveryMode = DeliveryModes.Inbox });
        var grain = await SendAsync(agent, """{"question": "ship it?"}""");
        var intentId = (await grain.GetAsync(_caller)).IntentId;
        var delivered = await Eventually.WaitAsync(() => grain.GetAsync(_caller), i => i.Status != IntentStatus.Submitted, Timeout);
        Assert.Equal(IntentStatus.Delivered, delivered.Status);

        var threadId = DeterministicId.From($"inbox-delivery\n{intentId}");
        var scope = new InboxScope(_caller, agent);
        var thread = await fx.Client.GetGrain<IInboxThreadGrain>(threadId).GetAsync(scope);
        Assert.Equal(agent, thread.OwnerAgent);
        Assert.Equal(intentId, thread.IntentId);
        Assert.Equal(InboxEventType.IntentReceived, thread.Timeline[0].EventType);

        await fx.Client.GetGrain<IInboxThreadGrain>(threadId).DecideAsync(scope, approve: true, comment: "go");
        var done = await grain.GetAsync(_caller);
        Assert.Equal(IntentStatus.Completed, done.Status);
        Assert.Contains("approved", done.ResultJson);
    }
}
