using Axme.Grains.Common;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
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
    Delivery.InternalHandlers handlers,
    AgentCache local,
    ILogger<AgentGrain> logger) : Grain, IAgentGrain
{
    private readonly ObserverManager<IAgentObserver> _listeners = new(TimeSpan.FromMinutes(5), logger);

    /// <summary>The silos keeping this agent's record (AgentCache): told to forget it before a change of the record returns.</summary>
    private readonly Holders<IAgentHolder> _holders = new(logger);

    /// <summary>A heartbeat without metrics only moves "last seen": written at most this often (a crash loses at most that much of it).</summary>
    private static readonly TimeSpan HeartbeatWriteEvery = TimeSpan.FromMinutes(1);
    private DateTimeOffset _healthWritten;
    private bool _healthDirty;

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
            DeliveryMode = previous?.DeliveryMode ?? DeliveryModes.Stream,
            LeaseSeconds = previous?.LeaseSeconds ?? 30,
            MaxDeliveryAttempts = previous?.MaxDeliveryAttempts ?? 5,
            WebhookUrl = previous?.WebhookUrl,
            ProtectedWebhookSecret = previous?.ProtectedWebhookSecret,
            WebhookSecretHint = previous?.WebhookSecretHint,
            InternalHandler = previous?.InternalHandler,
            Killed = previous?.Killed,
            UpdatedAt = now,
        };
        await state.WriteStateAsync();
        await ReleaseHoldersAsync();
        return state.State.Agent;
    }

    public async Task UnregisterAsync()
    {
        if (state.State.Agent is not { Status: "active" } agent) return;
        state.State.Agent = agent with { Status = "deleted", UpdatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        await ReleaseHoldersAsync();
    }

    public async Task<AgentRecord> ConfigureAsync(DeliverySettings settings)
    {
        var agent = Live();
        var updated = agent with
        {
            DeliveryMode = settings.DeliveryMode ?? agent.DeliveryMode,
            LeaseSeconds = settings.LeaseSeconds ?? agent.LeaseSeconds,
            MaxDeliveryAttempts = settings.MaxDeliveryAttempts ?? agent.MaxDeliveryAttempts,
            WebhookUrl = settings.WebhookUrl ?? agent.WebhookUrl,
            ProtectedWebhookSecret = settings.ProtectedWebhookSecret ?? agent.ProtectedWebhookSecret,
            WebhookSecretHint = settings.ProtectedWebhookSecret is null ? agent.WebhookSecretHint : settings.WebhookSecretHint,
            InternalHandler = settings.InternalHandler ?? agent.InternalHandler,
            UpdatedAt = time.GetUtcNow(),
        };
        if (updated.DeliveryMode == DeliveryModes.Internal && !handlers.Has(updated.InternalHandler ?? updated.Name))
            throw ProtocolException.Invalid("internal_handler",
                $"no internal handler named '{updated.InternalHandler ?? updated.Name}' (available: {string.Join(", ", handlers.Names)})", "unknown_internal_handler");
        if (updated.DeliveryMode == DeliveryModes.Http && updated.WebhookUrl is null)
            throw ProtocolException.Invalid("webhook_url", "the http binding needs a webhook_url");
        if (updated.DeliveryMode == DeliveryModes.Http && updated.ProtectedWebhookSecret is null)
            throw ProtocolException.Invalid("webhook_secret", "the http binding needs a webhook_secret");
        state.State.Agent = updated;
        await state.WriteStateAsync();
        await ReleaseHoldersAsync();
        return updated;
    }

    public Task<AgentRecord?> GetAsync() =>
        Task.FromResult(state.State.Agent is { Status: "active" } a ? a : null);

    public Task<AgentRecord?> HoldAsync(IAgentHolder holder)
    {
        var agent = state.State.Agent is { Status: "active" } a ? a : null;
        if (agent is not null) _holders.Add(holder);
        return Task.FromResult(agent);
    }

    public Task<bool> SubscribeAsync(IAgentObserver observer)
    {
        _listeners.Subscribe(observer, observer);
        return Task.FromResult(state.State.Agent?.Killed is null);
    }

    public Task UnsubscribeAsync(IAgentObserver observer)
    {
        _listeners.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task RedispatchAsync(IReadOnlyList<Guid> intentIds)
    {
        if (state.State.Agent is not { } agent || DeliveryKinds.ForBinding(agent.DeliveryMode) is null)
        {
            if (intentIds.Count > 0) await NotifyDeliverableAsync(intentIds[0], null); // one wake-up: listeners read them all
            return;
        }
        foreach (var id in intentIds) await NotifyDeliverableAsync(id, null);
    }

    public async Task<MeshAgentView> HeartbeatAsync(MeshHeartbeat beat)
    {
        var agent = Live();
        var now = time.GetUtcNow();
        var before = state.State.Health;
        var comingOnline = MeshHealth.Presence(before?.LastHeartbeatAt, now) is MeshPresence.Never or MeshPresence.Offline;
        state.State.Health = MeshHealth.Beat(before ?? new AgentHealth(), beat, now);
        if (beat.Metrics is not null || comingOnline || now - _healthWritten >= HeartbeatWriteEvery) await WriteAsync(now);
        else _healthDirty = true;
        if (comingOnline)
            await LogAsync(MeshEventTypes.Online, null, JsonText.Object(("version", beat.Version), ("last_heartbeat_at", before?.LastHeartbeatAt is { } seen ? Contracts.WireTime.Format(seen) : null)), now);
        return MeshHealth.View(agent, state.State.Health, "day", now);
    }

    public Task<MeshAgentView?> GetMeshAsync(string window) =>
        Task.FromResult(state.State.Agent is { Status: "active" } a ? MeshHealth.View(a, state.State.Health, window, time.GetUtcNow()) : null);

    public async Task<MeshAgentView> KillAsync(string actorId, string? reason)
    {
        var agent = Live();
        var now = time.GetUtcNow();
        // A kill binds every key of the account to "heartbeat only": an admin's would lock the operators out (the last
        // admin could never resume it), and a person's account is no agent of the mesh.
        switch (await GrainFactory.GetGrain<IServiceAccountGrain>(agent.ServiceAccountId).GetAsync())
        {
            case { IsAdmin: true }:
                throw ProtocolException.Conflict("admin_agent", $"{agent.Address} is an admin account's agent: killing it would lock its admin keys out");
            case { IsHuman: true }:
                throw ProtocolException.NotFound("agent", agent.Address);
        }
        if (agent.Killed is null)
        {
            // Durable first: from here on deliveries wait (DeliveryGrain reads it) and new streams are refused.
            agent = agent with { Killed = new AgentKill { At = now, By = actorId, Reason = reason }, UpdatedAt = now };
            state.State.Agent = agent;
            await WriteAsync(now);
            await ReleaseHoldersAsync();
            await LogAsync(MeshEventTypes.Killed, actorId, JsonText.Object(("reason", reason)), now);
        }
        // Then the keys and the open streams, every time: a kill a crash interrupted is completed by the next one.
        await GrainFactory.GetGrain<IServiceAccountGrain>(agent.ServiceAccountId).SetAgentKilledAsync(true);
        await _listeners.Notify(l => l.OnKilledAsync());
        return MeshHealth.View(agent, state.State.Health, "day", now);
    }

    public async Task<MeshAgentView> ResumeAsync(string actorId)
    {
        var agent = Live();
        var now = time.GetUtcNow();
        if (agent.Killed is { } kill)
        {
            await GrainFactory.GetGrain<IServiceAccountGrain>(agent.ServiceAccountId).SetAgentKilledAsync(false);
            agent = agent with { Killed = null, UpdatedAt = now };
            state.State.Agent = agent;
            await WriteAsync(now);
            await ReleaseHoldersAsync();
            await LogAsync(MeshEventTypes.Resumed, actorId, JsonText.Object(("killed_at", Contracts.WireTime.Format(kill.At)), ("killed_by", kill.By)), now);
        }
        else await GrainFactory.GetGrain<IServiceAccountGrain>(agent.ServiceAccountId).SetAgentKilledAsync(false);
        return MeshHealth.View(agent, state.State.Health, "day", now);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await ReleaseHoldersAsync(); // a new activation would not know them
        if (_healthDirty) await WriteAsync(time.GetUtcNow());
    }

    /// <summary>Every holder forgets the record (this silo's own cache by a plain call).</summary>
    private Task ReleaseHoldersAsync()
    {
        var address = this.GetPrimaryKeyString();
        return _holders.ReleaseAsync(h => local.Direct(h).ForgetAsync(address));
    }

    private AgentRecord Live() => state.State.Agent is { Status: "active" } a ? a : throw ProtocolException.NotFound("agent", this.GetPrimaryKeyString());

    private async Task WriteAsync(DateTimeOffset now)
    {
        await state.WriteStateAsync();
        _healthWritten = now;
        _healthDirty = false;
    }

    private Task LogAsync(string type, string? actor, string? detailsJson, DateTimeOffset now)
    {
        var agent = state.State.Agent!;
        return GrainFactory.GetGrain<IMeshEventLogGrain>(IMeshEventLogGrain.KeyFor(agent.OrgId, agent.WorkspaceId)).AppendAsync(new MeshEventRecord
        {
            EventId = "mev_" + Guid.NewGuid().ToString("N")[..20], Address = agent.Address, EventType = type, DetailsJson = detailsJson,
            ActorId = actor, CreatedAt = now,
        });
    }

    public Task NotifyDeliverableAsync(Guid intentId, long? cursor)
    {
        if (state.State.Agent is { Status: "active" } agent && DeliveryKinds.ForBinding(agent.DeliveryMode) is { } kind)
        {
            // Not awaited: the delivery grain writes itself durably; if that is lost in a crash, the
            // delivery sweep finds the intent still SUBMITTED and dispatches it again.
            GrainFactory.GetGrain<IDeliveryGrain>(DeliveryIds.ForIntent(intentId)).EnqueueAsync(new DeliveryJob
            {
                Kind = kind, IntentId = intentId, Agent = agent.Address, EventType = IntentEventType.Delivered,
            }).Ignore();
            return Task.CompletedTask;
        }
        return _listeners.Notify(l => l.OnDeliverableAsync(intentId, cursor)); // stream and poll: listeners read durable state
    }
}
