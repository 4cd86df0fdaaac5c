using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>POST /v1/users/register-nick: a nick for the calling person, or (an agent's or admin's key) a new person.</summary>
public sealed record NickRegisterRequest
{
    /// <summary>@name: 3-32 letters, digits, '_', '.' or '-'.</summary>
    public required string Nick { get; init; }
    /// <summary>Their display name.</summary>
    public string? DisplayName { get; init; }
    /// <summary>Their phone number.</summary>
    public string? Phone { get; init; }
    /// <summary>Their e-mail address (required for a new person).</summary>
    public string? Email { get; init; }
}

/// <summary>POST /v1/users/rename-nick and /v1/users/profile/update: the person (owner_agent) and what changes.</summary>
public sealed record ProfileUpdateRequest
{
    /// <summary>The person's address (agent://org/ws/name, or a bare name in the caller's workspace).</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>A new nick (rename-nick: required).</summary>
    public string? Nick { get; init; }
    /// <summary>A new display name.</summary>
    public string? DisplayName { get; init; }
    /// <summary>A new phone number.</summary>
    public string? Phone { get; init; }
    /// <summary>A new e-mail address.</summary>
    public string? Email { get; init; }
}

/// <summary>GET /v1/users/check-nick?nick=.</summary>
public sealed record NickCheck
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The nick as asked.</summary>
    public required string Nick { get; init; }
    /// <summary>Its normalized form (lower-case).</summary>
    public required string NormalizedNick { get; init; }
    /// <summary>The address it would have.</summary>
    public required string PublicAddress { get; init; }
    /// <summary>Whether it is free (or already the caller's).</summary>
    public required bool Available { get; init; }
}

/// <summary>GET /v1/users/resolve-nick?nick=: who holds a nick (contact details only within the caller's workspace).</summary>
public sealed record NickResolution
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>Whether someone holds it.</summary>
    public required bool Resolved { get; init; }
    /// <summary>The nick as held (or asked).</summary>
    public required string Nick { get; init; }
    /// <summary>Its normalized form.</summary>
    public required string NormalizedNick { get; init; }
    /// <summary>Its public address.</summary>
    public required string PublicAddress { get; init; }
    /// <summary>The holder's agent address.</summary>
    public string? OwnerAgent { get; init; }
    /// <summary>The holder's display name.</summary>
    public string? DisplayName { get; init; }
    /// <summary>The holder's phone (same workspace only).</summary>
    public string? Phone { get; init; }
    /// <summary>The holder's e-mail (same workspace only).</summary>
    public string? Email { get; init; }
}

/// <summary>A person's profile: register-nick, rename-nick, GET /v1/users/profile and profile/update.</summary>
public sealed record UserProfile
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The person's account.</summary>
    public required string UserId { get; init; }
    /// <summary>Its address.</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>The nick (@name).</summary>
    public required string Nick { get; init; }
    /// <summary>Its normalized form.</summary>
    public required string NormalizedNick { get; init; }
    /// <summary>Its public address.</summary>
    public required string PublicAddress { get; init; }
    /// <summary>Display name.</summary>
    public required string? DisplayName { get; init; }
    /// <summary>Phone number.</summary>
    public required string? Phone { get; init; }
    /// <summary>E-mail address.</summary>
    public required string? Email { get; init; }
    /// <summary>When the profile last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When the person was created (register-nick).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When the nick was changed (rename-nick).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? RenamedAt { get; init; }
}
