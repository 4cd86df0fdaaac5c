using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;

namespace Axme.Grains.People;

/// <summary>Durable state of a session.</summary>
[GenerateSerializer, Alias("axme.session-state")]
public sealed class SessionState
{
    [Id(0)] public SessionRecord? Session { get; set; }
}

/// <summary>
/// One sign-in session (docs/adr/027). Every request made with its access token asks it whether it is still live and
/// which account it acts as, so a revoke or a workspace selection holds from the next request on, on every node.
/// </summary>
public sealed class SessionGrain(
    [PersistentState(AxmeNames.SessionState, AxmeNames.Storage)] IPersistentState<SessionState> state,
    TimeProvider time) : Grain, ISessionGrain
{
    public async Task<SessionRecord> OpenAsync(SessionRecord session)
    {
        if (state.State.Session is { } existing) return existing;
        state.State.Session = session;
        await state.WriteStateAsync();
        return session;
    }

    public Task<SessionRecord?> GetAsync() => Task.FromResult(state.State.Session);

    public async Task<SessionRecord?> RefreshAsync(string presentedHash, string newHash, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        if (state.State.Session is not { } s || !s.ActiveAt(now)) return null;
        if (s.PreviousRefreshHash == presentedHash)
        {
            // A refresh token is good once: its replay means two holders, so neither keeps the session.
            await RevokeAsync();
            return null;
        }
        if (s.RefreshHash != presentedHash) return null;
        state.State.Session = s with { PreviousRefreshHash = s.RefreshHash, RefreshHash = newHash, ExpiresAt = expiresAt, LastUsedAt = now };
        await state.WriteStateAsync();
        return state.State.Session;
    }

    public async Task<SessionRecord> SelectAccountAsync(string accountId)
    {
        var s = state.State.Session is { } live && live.ActiveAt(time.GetUtcNow()) ? live : throw ProtocolException.NotFound("session", this.GetPrimaryKeyString());
        state.State.Session = s with { AccountId = accountId, LastUsedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        return state.State.Session;
    }

    public async Task<SessionRecord?> RevokeAsync()
    {
        if (state.State.Session is not { } s) return null;
        if (s.RevokedAt is null)
        {
            state.State.Session = s with { RevokedAt = time.GetUtcNow() };
            await state.WriteStateAsync();
        }
        // Every time, not only the first: a revoke a crash interrupted after the write still ends the key.
        if (s is { KeyId: { } keyId, KeyAccountId: { } owner }
            && await GrainFactory.GetGrain<IServiceAccountGrain>(owner).GetAsync() is { Status: "active" } account
            && account.Keys.Any(k => k.KeyId == keyId && k.Status == "active"))
            await GrainFactory.GetGrain<IServiceAccountGrain>(owner).RevokeKeyAsync(keyId);
        return state.State.Session;
    }
}
