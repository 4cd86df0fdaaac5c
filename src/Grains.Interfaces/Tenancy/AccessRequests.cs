using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.Tenancy;

/// <summary>
/// A request for access (PROTOCOL §12 "Access requests", docs/adr/030): to have an organization made, to join one, or
/// for a higher role in one. Reviewed by an admin key (or, for joining and roles, the organization's owners and
/// admins); approving it makes what it asked for.
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.access-request")]
public sealed record AccessRequestRecord
{
    [Id(0)] public required string AccessRequestId { get; init; }
    /// <summary>create_organization, join_organization or elevated_role.</summary>
    [Id(1)] public required string RequestType { get; init; }
    /// <summary>pending, under_review, approved, rejected or waitlisted (expired is read from <see cref="ExpiresAt"/>).</summary>
    [Id(2)] public required string State { get; init; }
    /// <summary>Who asks: an account id (a person's, usually).</summary>
    [Id(3)] public required string RequesterActorId { get; init; }
    [Id(4)] public string? OrgId { get; init; }
    [Id(5)] public string? WorkspaceId { get; init; }
    [Id(6)] public string? RequestedRole { get; init; }
    [Id(7)] public string? CompanyName { get; init; }
    [Id(8)] public string? Justification { get; init; }
    [Id(9)] public string? ReviewerActorId { get; init; }
    [Id(10)] public string? ReviewComment { get; init; }
    [Id(11)] public DateTimeOffset? ReviewedAt { get; init; }
    [Id(12)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(13)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(14)] public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>The account that asked (it reads its own requests).</summary>
    [Id(15)] public required string CreatedBy { get; init; }
}

public static class AccessRequestTypes
{
    public const string CreateOrganization = "create_organization";
    public const string JoinOrganization = "join_organization";
    public const string ElevatedRole = "elevated_role";
    public static readonly IReadOnlySet<string> All = new HashSet<string> { CreateOrganization, JoinOrganization, ElevatedRole };
}

public static class AccessRequestStates
{
    public const string Pending = "pending";
    public const string UnderReview = "under_review";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Waitlisted = "waitlisted";
    public const string Expired = "expired";
    public static readonly IReadOnlySet<string> All = new HashSet<string> { Pending, UnderReview, Approved, Rejected, Waitlisted, Expired };
    /// <summary>The review decisions and the state each leads to.</summary>
    public static readonly IReadOnlyDictionary<string, string> Decisions = new Dictionary<string, string>
    {
        ["approve"] = Approved, ["reject"] = Rejected, ["waitlist"] = Waitlisted,
    };

    /// <summary>The state as of <paramref name="now"/>: one still open past its time is expired.</summary>
    public static string At(AccessRequestRecord r, DateTimeOffset now) =>
        r.State is Pending or UnderReview or Waitlisted && r.ExpiresAt <= now ? Expired : r.State;
}

/// <summary>Every access request of the node (key: "all"): few, and read across organizations by admins.</summary>
[Alias("axme.IAccessRequestBookGrain")]
public interface IAccessRequestBookGrain : IGrainWithStringKey
{
    const string Key = "all";

    /// <summary>Records a request; an open one of the same requester, type, organization and workspace is returned instead (created = false).</summary>
    [Alias("Create")]
    Task<(AccessRequestRecord Request, bool Created)> CreateAsync(AccessRequestRecord request);

    /// <summary>One request, or null.</summary>
    [Alias("Get"), ReadOnly]
    Task<AccessRequestRecord?> GetAsync(string accessRequestId);

    /// <summary>Requests, newest first, matching what is given.</summary>
    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<AccessRequestRecord>> ListAsync(string? orgId, string? workspaceId, string? state);

    /// <summary>
    /// Reviews an open request (pending, under review or waitlisted; else 409 not_reviewable); approving one makes what
    /// it asks for first (the organization, the membership, the role), so an approved request has always taken effect.
    /// </summary>
    [Alias("Review")]
    Task<AccessRequestRecord> ReviewAsync(string accessRequestId, string decision, string reviewerActorId, string? comment);
}
