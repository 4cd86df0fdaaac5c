namespace Axme.Contracts;

/// <summary>POST /v1/invites/create: an invitation for a person to join the inviter's workspace with a nick (docs/adr/030).</summary>
public sealed record InviteCreateRequest
{
    /// <summary>The agent that invites (default: the key's own); the person joins its workspace.</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>Who it is for: an e-mail address (the invitation is mailed there and becomes the person's address) or a name.</summary>
    public string? RecipientHint { get; init; }
    /// <summary>How long it can be accepted, 60 s to 30 days (default 7 days).</summary>
    public int? TtlSeconds { get; init; }
}

/// <summary>The answer of POST /v1/invites/create: the token and link, shown once (only the token's hash is kept).</summary>
public sealed record InviteCreated
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The invitation's secret token.</summary>
    public required string Token { get; init; }
    /// <summary>The page of the web inbox where it is accepted.</summary>
    public required string InviteUrl { get; init; }
    /// <summary>The agent that invites.</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>Who it is for, as given.</summary>
    public string? RecipientHint { get; init; }
    /// <summary>pending.</summary>
    public required string Status { get; init; }
    /// <summary>When it was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Until when it can be accepted.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>GET /v1/invites/{token}: the invitation as anyone holding its token sees it.</summary>
public sealed record InviteResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The token (as given).</summary>
    public required string Token { get; init; }
    /// <summary>The agent that invites.</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>Who it is for, as given.</summary>
    public string? RecipientHint { get; init; }
    /// <summary>pending, accepted or expired.</summary>
    public required string Status { get; init; }
    /// <summary>When it was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Until when it can be accepted.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>When it was accepted.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }
    /// <summary>The agent address of the person it made.</summary>
    public string? AcceptedOwnerAgent { get; init; }
    /// <summary>Their nick.</summary>
    public string? Nick { get; init; }
    /// <summary>Their public address (nick@domain).</summary>
    public string? PublicAddress { get; init; }
}

/// <summary>POST /v1/invites/{token}/accept.</summary>
public sealed record InviteAcceptRequest
{
    /// <summary>The nick the person takes (e.g. @ada).</summary>
    public required string Nick { get; init; }
    /// <summary>Their display name.</summary>
    public string? DisplayName { get; init; }
}

/// <summary>The answer of POST /v1/invites/{token}/accept: the person made.</summary>
public sealed record InviteAccepted
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The token (as given).</summary>
    public required string Token { get; init; }
    /// <summary>accepted.</summary>
    public required string Status { get; init; }
    /// <summary>The agent that invited.</summary>
    public required string InviteOwnerAgent { get; init; }
    /// <summary>The person's account (a human user).</summary>
    public required string UserId { get; init; }
    /// <summary>The person's agent address.</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>Their nick.</summary>
    public required string Nick { get; init; }
    /// <summary>Their public address (nick@domain).</summary>
    public required string PublicAddress { get; init; }
    /// <summary>Their display name.</summary>
    public string? DisplayName { get; init; }
    /// <summary>When it was accepted.</summary>
    public required DateTimeOffset AcceptedAt { get; init; }
    /// <summary>A self-hosted node has no global nick registry: disabled.</summary>
    public required string RegistryBindStatus { get; init; }
}
