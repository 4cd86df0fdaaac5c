using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Axme.Grains.Agents;

/// <summary>
/// An agent address. Deliveries themselves live in durable intent state (and the view table); this
/// grain only knows who the agent is and wakes its listeners, so a lost wake-up loses nothing.
/// </summary>
public sealed class AgentGrain(
    [PersistentState(AxmeNames.AgentState, AxmeNames.Storage)] IPersistentState<AgentState> state,
    TimeProvider time,
    ILogger<AgentGrain> logger) : Grain, IAgentGrain
{
    private readonly ObserverManager<IAgentObserver> _listeners = new(TimeSpan.FromMinutes(5), logger);

    public async Task<AgentRecord> RegisterAsync(ServiceAccountRecord account)
    {
        var now = time.GetUtcNow();
        var previous = state.State.Agent;
        state.State.Agent = new AgentRecord
        {
            Address = this.GetPrimaryKeyString(),
            ServiceAccountId = account.ServiceAccountId,
            OrgId = account.OrgId,
            WorkspaceId = account.WorkspaceId,
            Name = account.Name,
            DisplayName = account.DisplayName,
            Status = "active",
            CreatedAt = previous?.CreatedAt ?? account.CreatedAt,
            DeliveryMode = previous?.DeliveryMode ?? "stream",
            LeaseSeconds = previous?.LeaseSeconds ?? 30,
            MaxDeliveryAttempts = previous?.MaxDeliveryAttempts ?? 5,
            UpdatedAt = now,
        };
        await state.WriteStateAsync();
        return state.State.Agent;
    }

    public async Task UnregisterAsync()
    {
        if (state.State.Agent is not { Status: "active" } agent) return;
        state.State.Agent = agent with { Status = "deleted", UpdatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
    }

    public async Task<AgentRecord> ConfigureAsync(DeliverySettings settings)
    {
        var agent = state.State.Agent is { Status: "active" } a ? a : throw ProtocolException.NotFound("agent", this.GetPrimaryKeyString());
        state.State.Agent = agent with
        {
            DeliveryMode = settings.DeliveryMode ?? agent.DeliveryMode,
            LeaseSeconds = settings.LeaseSeconds ?? agent.LeaseSeconds,
            MaxDeliveryAttempts = settings.MaxDeliveryAttempts ?? agent.MaxDeliveryAttempts,
            UpdatedAt = time.GetUtcNow(),
        };
        await state.WriteStateAsync();
        return state.State.Agent;
    }

    public Task<AgentRecord?> GetAsync() =>
        Task.FromResult(state.State.Agent is { Status: "active" } a ? a : null);

    public Task SubscribeAsync(IAgentObserver observer)
    {
        _listeners.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IAgentObserver observer)
    {
        _listeners.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task NotifyDeliverableAsync(Guid intentId) =>
        _listeners.Notify(l => l.OnDeliverableAsync(intentId));
}
