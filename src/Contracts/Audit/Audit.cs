using System.Text.Json.Nodes;

namespace Axme.Contracts;

/// <summary>One security-relevant action (GET /v1/audit/events, docs/adr/028).</summary>
public sealed record AuditEvent
{
    /// <summary>Its id (increasing; the cursor of the next page is the last one's).</summary>
    public required string EventId { get; init; }
    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }
    /// <summary>The organization it concerns, when it concerns one.</summary>
    public required string? OrgId { get; init; }
    /// <summary>The workspace it concerns, when it concerns one.</summary>
    public required string? WorkspaceId { get; init; }
    /// <summary>What was done: e.g. auth.login, auth.session.revoke, key.create, member.update, workspace.update.</summary>
    public required string Action { get; init; }
    /// <summary>succeeded, or refused (with the reason in details).</summary>
    public required string Outcome { get; init; }
    /// <summary>Who: the account (or, not signed in, the address that tried).</summary>
    public required string? ActorId { get; init; }
    /// <summary>The account's agent address.</summary>
    public required string? ActorAddress { get; init; }
    /// <summary>admin, person, agent or anonymous.</summary>
    public required string ActorKind { get; init; }
    /// <summary>The sign-in session of a person's request.</summary>
    public required string? SessionId { get; init; }
    /// <summary>What it was done to: its kind.</summary>
    public required string? TargetType { get; init; }
    /// <summary>What it was done to: its id.</summary>
    public required string? TargetId { get; init; }
    /// <summary>The client's address.</summary>
    public required string? SourceIp { get; init; }
    /// <summary>The client's User-Agent.</summary>
    public required string? UserAgent { get; init; }
    /// <summary>What else is worth keeping (a new role, a status, why it was refused).</summary>
    public required JsonObject Details { get; init; }
}

/// <summary>GET /v1/audit/events: newest first.</summary>
public sealed record AuditEventPage
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The events.</summary>
    public required IReadOnlyList<AuditEvent> Events { get; init; }
    /// <summary>The cursor of the next page, or null.</summary>
    public required string? NextCursor { get; init; }
}
