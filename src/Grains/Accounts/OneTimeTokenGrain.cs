using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Accounts;

/// <summary>Durable state of a one-time token: when it was used.</summary>
[GenerateSerializer, Alias("axme.one-time-token-state")]
public sealed class OneTimeTokenState
{
    [Id(0)] public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>
/// One use of a token, recorded before it is granted: a link opened twice (a browser's prefetch, a shared screen) signs
/// in once. What the token grants, and until when, is in the token itself (Data Protection, time-limited).
/// </summary>
public sealed class OneTimeTokenGrain(
    [PersistentState(AxmeNames.OneTimeTokenState, AxmeNames.Storage)] IPersistentState<OneTimeTokenState> state,
    TimeProvider time) : Grain, IOneTimeTokenGrain
{
    public async Task<bool> ConsumeAsync()
    {
        if (state.State.UsedAt is not null) return false;
        state.State.UsedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        return true;
    }
}
