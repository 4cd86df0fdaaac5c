using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Common;
using Microsoft.Extensions.Options;

namespace Axme.Grains.Common;

/// <summary>
/// Remembers one Idempotency-Key. A claim is kept in memory only (a crash releases it, and a retry then
/// executes again); the response is durable once stored, for the configured retention.
/// </summary>
public sealed class IdempotencyGrain(
    [PersistentState(AxmeNames.IdempotencyState, AxmeNames.Storage)] IPersistentState<IdempotencyState> state,
    TimeProvider time,
    IOptions<IntentOptions> options) : Grain, IIdempotencyGrain
{
    private static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(60);
    private string? _claimedBy;
    private DateTimeOffset _claimedAt;

    public Task<IdempotencyCheck> BeginAsync(string requestHash)
    {
        var now = time.GetUtcNow();
        if (state.State.Response is { } stored && now - state.State.ClaimedAt < options.Value.IdempotencyRetention)
        {
            return Task.FromResult(state.State.RequestHash == requestHash
                ? new IdempotencyCheck(IdempotencyDecision.Replay, stored)
                : new IdempotencyCheck(IdempotencyDecision.Conflict, null));
        }
        if (_claimedBy is not null && now - _claimedAt < ClaimLease)
        {
            return Task.FromResult(new IdempotencyCheck(
                _claimedBy == requestHash ? IdempotencyDecision.InProgress : IdempotencyDecision.Conflict, null));
        }
        _claimedBy = requestHash;
        _claimedAt = now;
        return Task.FromResult(new IdempotencyCheck(IdempotencyDecision.Proceed, null));
    }

    public async Task CompleteAsync(string requestHash, StoredResponse response)
    {
        if (_claimedBy != requestHash) return;
        state.State.RequestHash = requestHash;
        state.State.Response = response;
        state.State.ClaimedAt = _claimedAt;
        await state.WriteStateAsync();
        _claimedBy = null;
    }

    public Task AbandonAsync(string requestHash)
    {
        if (_claimedBy == requestHash) _claimedBy = null;
        return Task.CompletedTask;
    }
}
