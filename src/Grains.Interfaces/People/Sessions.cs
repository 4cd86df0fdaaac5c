using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.People;

/// <summary>
/// A person's sign-in session (docs/adr/027): which person (their e-mail), which of their accounts it acts as now
/// (a workspace selection changes it), its refresh token's hash, and when it ends.
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.session")]
public sealed record SessionRecord
{
    [Id(0)] public required string SessionId { get; init; }
    /// <summary>The person: their e-mail address, lower-case (the key of their PersonGrain).</summary>
    [Id(1)] public required string Email { get; init; }
    /// <summary>The human user account the session acts as.</summary>
    [Id(2)] public required string AccountId { get; init; }
    /// <summary>SHA-256 of the current refresh token; the one before it is kept to notice a stolen token replayed.</summary>
    [Id(3)] public required string RefreshHash { get; init; }
    [Id(4)] public string? PreviousRefreshHash { get; init; }
    [Id(5)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(6)] public required DateTimeOffset LastUsedAt { get; init; }
    /// <summary>When the refresh token stops working (30 days after the last refresh by default).</summary>
    [Id(7)] public required DateTimeOffset ExpiresAt { get; init; }
    [Id(8)] public DateTimeOffset? RevokedAt { get; init; }
    /// <summary>How it was opened: password, email_link, cli_grant, register.</summary>
    [Id(9)] public required string Method { get; init; }
    /// <summary>The client's User-Agent and address at sign-in, for the session list.</summary>
    [Id(10)] public string? UserAgent { get; init; }
    [Id(11)] public string? IpAddress { get; init; }
    /// <summary>The API key a CLI sign-in was given with the session (and its account): revoked with the session.</summary>
    [Id(12)] public string? KeyId { get; init; }
    [Id(13)] public string? KeyAccountId { get; init; }

    public bool ActiveAt(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

/// <summary>One session (key: its id).</summary>
[Alias("axme.ISessionGrain")]
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Opens the session (once: an id is never reused).</summary>
    [Alias("Open")]
    Task<SessionRecord> OpenAsync(SessionRecord session);

    /// <summary>The session, or null when there is none.</summary>
    [Alias("Get"), ReadOnly]
    Task<SessionRecord?> GetAsync();

    /// <summary>
    /// Rotates the refresh token: the presented one must be the current one (then it is replaced by
    /// <paramref name="newHash"/> and the expiry moves on); the previous one presented again means it was copied, so
    /// the session is revoked. Null when refused.
    /// </summary>
    [Alias("Refresh")]
    Task<SessionRecord?> RefreshAsync(string presentedHash, string newHash, DateTimeOffset expiresAt);

    /// <summary>Acts as another of the person's accounts from now on (a workspace selection).</summary>
    [Alias("Select")]
    Task<SessionRecord> SelectAccountAsync(string accountId);

    /// <summary>Revokes it (already revoked: unchanged).</summary>
    [Alias("Revoke")]
    Task<SessionRecord?> RevokeAsync();
}

/// <summary>
/// A person (key: their e-mail address, lower-case): the human user accounts that carry the address (one per
/// workspace they belong to), their password hash, their sessions, and recent failed sign-ins.
/// </summary>
[Alias("axme.IPersonGrain")]
public interface IPersonGrain : IGrainWithStringKey
{
    /// <summary>Records an account with this address (a human user created or given the address).</summary>
    [Alias("Link")]
    Task LinkAsync(string accountId);

    /// <summary>Forgets an account (deleted, or its address changed).</summary>
    [Alias("Unlink")]
    Task UnlinkAsync(string accountId);

    /// <summary>The accounts with this address, oldest first.</summary>
    [Alias("Accounts"), ReadOnly]
    Task<IReadOnlyList<string>> AccountIdsAsync();

    /// <summary>The password hash (ASP.NET Core Identity's format), or null when none is set.</summary>
    [Alias("PasswordHash"), ReadOnly]
    Task<string?> PasswordHashAsync();

    /// <summary>Sets (or replaces) the password hash.</summary>
    [Alias("SetPassword")]
    Task SetPasswordAsync(string hash);

    /// <summary>
    /// When sign-ins are held back after too many failures: the time they are allowed again, else null. Failures older
    /// than the window are forgotten.
    /// </summary>
    [Alias("LockedUntil"), ReadOnly]
    Task<DateTimeOffset?> LockedUntilAsync();

    /// <summary>Counts a failed sign-in; a success clears the count.</summary>
    [Alias("SignInResult")]
    Task RecordSignInAsync(bool succeeded);

    /// <summary>Lists a session of this person.</summary>
    [Alias("AddSession")]
    Task AddSessionAsync(string sessionId);

    /// <summary>The person's session ids, oldest first.</summary>
    [Alias("Sessions"), ReadOnly]
    Task<IReadOnlyList<string>> SessionIdsAsync();
}

/// <summary>A secret of the node kept in storage (key: its name), stored as the caller protected it.</summary>
[Alias("axme.INodeSecretGrain")]
public interface INodeSecretGrain : IGrainWithStringKey
{
    /// <summary>The stored value; when there is none, <paramref name="candidate"/> is stored and returned (first writer wins).</summary>
    [Alias("GetOrCreate")]
    Task<string> GetOrCreateAsync(string candidate);
}

/// <summary>How a person is named: their e-mail address, trimmed and lower-case.</summary>
public static class Persons
{
    public static string Key(string email) => email.Trim().ToLowerInvariant();
}
