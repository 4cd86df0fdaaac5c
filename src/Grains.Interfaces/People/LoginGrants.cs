using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.People;

/// <summary>
/// A sign-in the CLI waits for (PROTOCOL §11.2, docs/adr/027): by e-mail (a code to type, or a link that approves it)
/// or in the browser (a person signed in to the web inbox approves the code the CLI shows). Approved, it is picked up
/// once: a session and a key for the person's account.
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.login-grant")]
public sealed record LoginGrantRecord
{
    [Id(0)] public required string GrantId { get; init; }
    /// <summary>email or browser.</summary>
    [Id(1)] public required string Kind { get; init; }
    /// <summary>The address an e-mail sign-in was asked for (lower-case); null for a browser one until approved.</summary>
    [Id(2)] public string? Email { get; init; }
    /// <summary>The code a browser sign-in shows, for the person to compare on the approval page.</summary>
    [Id(3)] public string? UserCode { get; init; }
    /// <summary>SHA-256 of the e-mailed code, and of the e-mailed link's token.</summary>
    [Id(4)] public string? CodeHash { get; init; }
    [Id(5)] public string? LinkHash { get; init; }
    /// <summary>pending, approved, denied or consumed; expired is read from <see cref="ExpiresAt"/>.</summary>
    [Id(6)] public required string State { get; init; }
    [Id(7)] public string? ApprovedEmail { get; init; }
    [Id(8)] public string? ApprovedAccountId { get; init; }
    [Id(9)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(10)] public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>Wrong codes typed so far; at <see cref="LoginGrantStates.MaxAttempts"/> the sign-in is over.</summary>
    [Id(11)] public int Attempts { get; init; }
}

public static class LoginGrantStates
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Denied = "denied";
    public const string Consumed = "consumed";
    public const string Expired = "expired";
    public const int MaxAttempts = 5;

    /// <summary>The state as of <paramref name="now"/>: a pending or approved grant past its time is expired.</summary>
    public static string At(LoginGrantRecord grant, DateTimeOffset now) =>
        grant.State is Pending or Approved && grant.ExpiresAt <= now ? Expired : grant.State;
}

/// <summary>One CLI sign-in (key: its id).</summary>
[Alias("axme.ILoginGrantGrain")]
public interface ILoginGrantGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts it, and e-mails <paramref name="emailText"/> to its address when given (an e-mail sign-in of a person);
    /// 503 email_unavailable when the node cannot send e-mail.
    /// </summary>
    [Alias("Start")]
    Task<LoginGrantRecord> StartAsync(LoginGrantRecord grant, string? emailSubject, string? emailText);

    /// <summary>The sign-in, or null.</summary>
    [Alias("Get"), ReadOnly]
    Task<LoginGrantRecord?> GetAsync();

    /// <summary>
    /// Checks a typed code: right → approved and picked up at once (Outcome approved, the grant); wrong → invalid (the
    /// fifth wrong one ends it); expired, used.
    /// </summary>
    [Alias("Verify")]
    Task<(string Outcome, LoginGrantRecord? Grant)> VerifyCodeAsync(string codeHash);

    /// <summary>
    /// Approves it for a person's account: from the approval page (a browser sign-in), or from the e-mailed link whose
    /// token hash must match. 409 when it is no longer pending.
    /// </summary>
    [Alias("Approve")]
    Task<LoginGrantRecord> ApproveAsync(string email, string accountId, string? linkHash);

    /// <summary>Refuses it (the approval page's Deny).</summary>
    [Alias("Deny")]
    Task<LoginGrantRecord> DenyAsync();

    /// <summary>Marks an approved sign-in picked up; true only for the one call that did (its caller opens the session).</summary>
    [Alias("Consume")]
    Task<bool> ConsumeAsync();
}
