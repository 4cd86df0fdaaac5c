using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.People;

/// <summary>
/// An invitation to become a person of a workspace (the gateway's nick invites, docs/adr/030): made by an agent of the
/// workspace, sent to an e-mail address when the recipient hint is one, accepted once with a nick. Only the token's
/// hash is kept (it is the grain's key); the token itself is shown to the inviter once, and mailed.
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.invite")]
public sealed record InviteRecord
{
    [Id(0)] public required string OrgId { get; init; }
    [Id(1)] public required string WorkspaceId { get; init; }
    /// <summary>The agent that invites (its workspace's); the new person becomes a member of that workspace.</summary>
    [Id(2)] public required string OwnerAgent { get; init; }
    /// <summary>Who it is for, as the inviter wrote it: an e-mail address (then mailed, and the person's address) or a name.</summary>
    [Id(3)] public string? RecipientHint { get; init; }
    /// <summary>The account that made it.</summary>
    [Id(4)] public required string CreatedBy { get; init; }
    [Id(5)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(6)] public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>pending or accepted (expired is read from <see cref="ExpiresAt"/>).</summary>
    [Id(7)] public required string Status { get; init; }
    [Id(8)] public DateTimeOffset? AcceptedAt { get; init; }
    /// <summary>The person's account made by the acceptance, and its agent address.</summary>
    [Id(9)] public string? UserId { get; init; }
    [Id(10)] public string? AcceptedOwnerAgent { get; init; }
    [Id(11)] public string? Nick { get; init; }
    [Id(12)] public string? DisplayName { get; init; }

    /// <summary>The recipient hint when it is an e-mail address (lower-case), else null.</summary>
    public string? Email => RecipientHint is { } h && h.Contains('@') && !h.Contains(' ') ? h.Trim().ToLowerInvariant() : null;
}

public static class InviteStatus
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Expired = "expired";

    /// <summary>The status as of <paramref name="now"/>: a pending invite past its time is expired.</summary>
    public static string At(InviteRecord invite, DateTimeOffset now) =>
        invite.Status == Pending && invite.ExpiresAt <= now ? Expired : invite.Status;
}

/// <summary>One invitation (key: the SHA-256 of its token, hex).</summary>
[Alias("axme.IInviteGrain")]
public interface IInviteGrain : IGrainWithStringKey
{
    /// <summary>Records it and mails <paramref name="emailText"/> to its recipient when given; 503 email_unavailable when the node cannot send e-mail.</summary>
    [Alias("Create")]
    Task<InviteRecord> CreateAsync(InviteRecord invite, string? emailSubject, string? emailText);

    /// <summary>The invitation, or null for a token that names none.</summary>
    [Alias("Get"), ReadOnly]
    Task<InviteRecord?> GetAsync();

    /// <summary>
    /// Accepts it once: a person's account named by the nick in the inviter's workspace, the nick theirs, a member of the
    /// workspace. 404 unknown, 410 invite_expired, 409 invite_already_accepted, nick_taken or name_taken.
    /// </summary>
    [Alias("Accept")]
    Task<InviteRecord> AcceptAsync(string nick, string? displayName);
}
