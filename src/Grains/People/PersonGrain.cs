using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;

namespace Axme.Grains.People;

/// <summary>Durable state of a person.</summary>
[GenerateSerializer, Alias("axme.person-state")]
public sealed class PersonState
{
    [Id(0)] public List<string> AccountIds { get; set; } = [];
    [Id(1)] public string? PasswordHash { get; set; }
    [Id(2)] public List<string> SessionIds { get; set; } = [];
    /// <summary>Times of recent failed sign-ins (within <see cref="PersonGrain.FailureWindow"/>).</summary>
    [Id(3)] public List<DateTimeOffset> Failures { get; set; } = [];
}

/// <summary>
/// A person, by e-mail address (docs/adr/027): the accounts that carry the address, the password, the sessions, and a
/// lock after <see cref="MaxFailures"/> failed sign-ins within <see cref="FailureWindow"/> (per address, on top of the
/// per-client limit of failed authentications), so a password cannot be guessed from many addresses at once.
/// </summary>
public sealed class PersonGrain(
    [PersistentState(AxmeNames.PersonState, AxmeNames.Storage)] IPersistentState<PersonState> state,
    TimeProvider time) : Grain, IPersonGrain
{
    public const int MaxFailures = 10;
    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(15);
    /// <summary>Sessions a person keeps listed; the oldest beyond it are forgotten (their grains still refuse when revoked).</summary>
    public const int MaxSessions = 200;

    public async Task LinkAsync(string accountId)
    {
        if (state.State.AccountIds.Contains(accountId)) return;
        state.State.AccountIds.Add(accountId);
        await state.WriteStateAsync();
    }

    public async Task UnlinkAsync(string accountId)
    {
        if (state.State.AccountIds.Remove(accountId)) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> AccountIdsAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.AccountIds]);

    public Task<string?> PasswordHashAsync() => Task.FromResult(state.State.PasswordHash);

    public async Task SetPasswordAsync(string hash)
    {
        state.State.PasswordHash = hash;
        state.State.Failures.Clear();
        await state.WriteStateAsync();
    }

    public Task<DateTimeOffset?> LockedUntilAsync()
    {
        var recent = Recent();
        return Task.FromResult<DateTimeOffset?>(recent.Count >= MaxFailures ? recent[^MaxFailures] + FailureWindow : null);
    }

    public async Task RecordSignInAsync(bool succeeded)
    {
        var recent = Recent();
        if (succeeded && recent.Count == 0 && state.State.Failures.Count == 0) return;
        state.State.Failures = succeeded ? [] : [.. recent, time.GetUtcNow()];
        await state.WriteStateAsync();
    }

    public async Task AddSessionAsync(string sessionId)
    {
        state.State.SessionIds.Add(sessionId);
        if (state.State.SessionIds.Count > MaxSessions) state.State.SessionIds.RemoveRange(0, state.State.SessionIds.Count - MaxSessions);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> SessionIdsAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.SessionIds]);

    private List<DateTimeOffset> Recent()
    {
        var since = time.GetUtcNow() - FailureWindow;
        return [.. state.State.Failures.Where(f => f > since).Order()];
    }
}
