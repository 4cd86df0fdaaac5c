using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Tenancy;

namespace Axme.Grains.Tenancy;

/// <summary>Durable state of the access requests.</summary>
[GenerateSerializer, Alias("axme.access-request-book-state")]
public sealed class AccessRequestBookState
{
    [Id(0)] public List<AccessRequestRecord> Requests { get; set; } = [];
}

/// <summary>
/// The node's access requests (docs/adr/030). Reviews run here one at a time, so a request is decided once; approving
/// makes the organization, membership or role before the request is marked approved.
/// </summary>
public sealed class AccessRequestBookGrain(
    [PersistentState(AxmeNames.AccessRequestState, AxmeNames.Storage)] IPersistentState<AccessRequestBookState> state,
    TimeProvider time) : Grain, IAccessRequestBookGrain
{
    private List<AccessRequestRecord> Requests => state.State.Requests;

    public async Task<(AccessRequestRecord Request, bool Created)> CreateAsync(AccessRequestRecord request)
    {
        var now = time.GetUtcNow();
        if (Requests.Find(r => r.RequesterActorId == request.RequesterActorId && r.RequestType == request.RequestType && r.OrgId == request.OrgId
                               && r.WorkspaceId == request.WorkspaceId && IsOpen(AccessRequestStates.At(r, now))) is { } open)
            return (open, false);
        Requests.Add(request);
        await state.WriteStateAsync();
        return (request, true);
    }

    public Task<AccessRequestRecord?> GetAsync(string accessRequestId) => Task.FromResult(Requests.Find(r => r.AccessRequestId == accessRequestId));

    public Task<IReadOnlyList<AccessRequestRecord>> ListAsync(string? orgId, string? workspaceId, string? state)
    {
        var now = time.GetUtcNow();
        return Task.FromResult<IReadOnlyList<AccessRequestRecord>>(Requests
            .Where(r => (orgId is null || r.OrgId == orgId) && (workspaceId is null || r.WorkspaceId == workspaceId)
                        && (state is null || AccessRequestStates.At(r, now) == state))
            .OrderByDescending(r => r.CreatedAt).ToList());
    }

    public async Task<AccessRequestRecord> ReviewAsync(string accessRequestId, string decision, string reviewerActorId, string? comment)
    {
        var i = Requests.FindIndex(r => r.AccessRequestId == accessRequestId);
        if (i < 0) throw ProtocolException.NotFound("access_request", accessRequestId);
        var request = Requests[i];
        var now = time.GetUtcNow();
        var current = AccessRequestStates.At(request, now);
        if (!IsOpen(current))
            throw ProtocolException.Conflict("not_reviewable", $"access request {accessRequestId} is {current}: only pending, under_review or waitlisted ones are reviewed");
        var next = AccessRequestStates.Decisions[decision];
        if (next == AccessRequestStates.Approved) await ApplyAsync(request);
        Requests[i] = request with { State = next, ReviewerActorId = reviewerActorId, ReviewComment = comment, ReviewedAt = now, UpdatedAt = now };
        await state.WriteStateAsync();
        return Requests[i];
    }

    private static bool IsOpen(string state) => state is AccessRequestStates.Pending or AccessRequestStates.UnderReview or AccessRequestStates.Waitlisted;

    /// <summary>What an approved request asked for: a new organization with the requester as owner, a membership, or a role.</summary>
    private async Task ApplyAsync(AccessRequestRecord r)
    {
        switch (r.RequestType)
        {
            case AccessRequestTypes.CreateOrganization:
                var name = r.CompanyName ?? r.OrgId!;
                await GrainFactory.GetGrain<IOrganizationGrain>(r.OrgId!).CreateAsync(new CreateOrganizationCommand
                {
                    Name = name, RequestedByActorId = r.RequesterActorId, CreatedBy = r.RequesterActorId,
                });
                break;
            case AccessRequestTypes.JoinOrganization:
                await AddOrRaiseAsync(r, r.RequestedRole ?? "member");
                break;
            case AccessRequestTypes.ElevatedRole:
                await AddOrRaiseAsync(r, r.RequestedRole!);
                break;
        }
    }

    private async Task AddOrRaiseAsync(AccessRequestRecord r, string role)
    {
        var org = GrainFactory.GetGrain<IOrganizationGrain>(r.OrgId!);
        var members = await org.ListMembersAsync(null);
        if (members.FirstOrDefault(m => m.ActorId == r.RequesterActorId && m.WorkspaceId == r.WorkspaceId) is { } existing)
        {
            if (existing.Role != role || existing.Status != "active") await org.UpdateMemberAsync(existing.MemberId, role, "active");
            return;
        }
        await org.AddMemberAsync(new AddMemberCommand { ActorId = r.RequesterActorId, Role = role, WorkspaceId = r.WorkspaceId });
    }
}
