using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Delivery;

/// <summary>One webhook subscription; keeps its workspace's directory in step after every write.</summary>
public sealed class WebhookSubscriptionGrain(
    [PersistentState(AxmeNames.WebhookSubscriptionState, AxmeNames.Storage)] IPersistentState<WebhookSubscriptionState> state,
    TimeProvider time) : Grain, IWebhookSubscriptionGrain
{
    private WebhookSubscription? S => state.State.Subscription;

    public async Task<WebhookSubscription> UpsertAsync(WebhookSubscriptionUpsert u)
    {
        var now = time.GetUtcNow();
        var (secret, hint) = u.SecretGenerated && S is { RevokedAt: null } live ? (live.ProtectedSecret, live.SecretHint) : (u.ProtectedSecret, u.SecretHint);
        if (secret is null) throw ProtocolException.Invalid("secret", "secret is required when creating a subscription");
        state.State.Subscription = new WebhookSubscription
        {
            SubscriptionId = this.GetPrimaryKey(), OrgId = u.OrgId, WorkspaceId = u.WorkspaceId, OwnerAgent = u.OwnerAgent,
            CallbackUrl = u.CallbackUrl, EventTypes = u.EventTypes, Active = u.Active, Description = u.Description,
            CreatedAt = S is { RevokedAt: null } existing ? existing.CreatedAt : now, UpdatedAt = now, RevokedAt = null,
            ProtectedSecret = secret, SecretHint = hint,
        };
        await SaveAsync();
        return S!;
    }

    public Task<WebhookSubscription?> GetAsync() => Task.FromResult(S);

    public async Task<WebhookSubscription?> RevokeAsync()
    {
        if (S is not { } s || s.RevokedAt is not null) return S;
        state.State.Subscription = s with { Active = false, RevokedAt = time.GetUtcNow(), UpdatedAt = time.GetUtcNow() };
        await SaveAsync();
        return S;
    }

    public Task<WebhookTarget?> GetTargetAsync() => Task.FromResult(S is { } s
        ? new WebhookTarget { Url = s.CallbackUrl, ProtectedSecret = s.ProtectedSecret, MaxAttempts = 0, Active = s.IsLive, OrgId = s.OrgId, WorkspaceId = s.WorkspaceId }
        : null);

    private async Task SaveAsync()
    {
        await state.WriteStateAsync();
        // The directory is a copy for listing and matching; the subscription's own state is the truth, and
        // it re-puts itself on every write, so a failed put is mended by the next one.
        await GrainFactory.GetGrain<IWebhookDirectoryGrain>(IWebhookDirectoryGrain.KeyFor(S!.OrgId, S.WorkspaceId)).PutAsync(S);
    }
}
