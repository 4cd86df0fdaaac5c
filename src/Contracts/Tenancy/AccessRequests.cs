namespace Axme.Contracts;

/// <summary>POST /v1/access-requests (docs/adr/030).</summary>
public sealed record AccessRequestCreateRequest
{
    /// <summary>create_organization, join_organization or elevated_role.</summary>
    public required string RequestType { get; init; }
    /// <summary>Who asks (default: the caller's account; only an admin key asks for someone else).</summary>
    public required string RequesterActorId { get; init; }
    /// <summary>The organization to join or be raised in; for create_organization the id wanted (default: the company name's slug).</summary>
    public string? OrgId { get; init; }
    /// <summary>The workspace the membership is limited to.</summary>
    public string? WorkspaceId { get; init; }
    /// <summary>The role asked for (join: default member; required for elevated_role).</summary>
    public string? RequestedRole { get; init; }
    /// <summary>The organization's name (create_organization).</summary>
    public string? CompanyName { get; init; }
    /// <summary>Why.</summary>
    public string? Justification { get; init; }
}

/// <summary>POST /v1/access-requests/{id}/review.</summary>
public sealed record AccessRequestReviewRequest
{
    /// <summary>approve, reject or waitlist.</summary>
    public required string Decision { get; init; }
    /// <summary>Who reviews (default: the caller's account).</summary>
    public required string ReviewerActorId { get; init; }
    /// <summary>Why.</summary>
    public string? ReviewComment { get; init; }
}

/// <summary>An access request.</summary>
public sealed record AccessRequest
{
    /// <summary>Its id.</summary>
    public required string AccessRequestId { get; init; }
    /// <summary>create_organization, join_organization or elevated_role.</summary>
    public required string RequestType { get; init; }
    /// <summary>pending, under_review, approved, rejected, waitlisted or expired.</summary>
    public required string State { get; init; }
    /// <summary>Who asks.</summary>
    public required string RequesterActorId { get; init; }
    /// <summary>The organization.</summary>
    public string? OrgId { get; init; }
    /// <summary>The workspace.</summary>
    public string? WorkspaceId { get; init; }
    /// <summary>The role asked for.</summary>
    public string? RequestedRole { get; init; }
    /// <summary>The organization's name (create_organization).</summary>
    public string? CompanyName { get; init; }
    /// <summary>Why.</summary>
    public string? Justification { get; init; }
    /// <summary>Who reviewed it.</summary>
    public string? ReviewerActorId { get; init; }
    /// <summary>The reviewer's comment.</summary>
    public string? ReviewComment { get; init; }
    /// <summary>When it was reviewed.</summary>
    public DateTimeOffset? ReviewedAt { get; init; }
    /// <summary>When it was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>One access request (create, get, review).</summary>
public sealed record AccessRequestResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The request.</summary>
    public required AccessRequest AccessRequest { get; init; }
}

/// <summary>GET /v1/access-requests, newest first.</summary>
public sealed record AccessRequestList
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The requests the caller may see.</summary>
    public required IReadOnlyList<AccessRequest> AccessRequests { get; init; }
}
