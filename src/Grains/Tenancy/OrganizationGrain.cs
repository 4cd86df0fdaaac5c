using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Tenancy;

namespace Axme.Grains.Tenancy;

/// <summary>
/// An organization, its workspaces and its members (docs/adr/026). Creating it makes the requester its owner; an
/// organization archives only once every workspace is archived, so nothing live is left in one nobody can reach.
/// A status change clears this silo's TenantGate entry at once; other silos see it within the gate's lifetime.
/// </summary>
public sealed class OrganizationGrain(
    [PersistentState(AxmeNames.OrganizationState, AxmeNames.Storage)] IPersistentState<OrganizationState> state,
    TenantGate gate,
    TimeProvider time) : Grain, IOrganizationGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<OrganizationView> CreateAsync(CreateOrganizationCommand command)
    {
        var directory = GrainFactory.GetGrain<IOrganizationDirectoryGrain>(IOrganizationDirectoryGrain.Key);
        if (state.State.Organization is not null)
        {
            await directory.AddAsync(Id); // completes a create a crash cut short before it was listed
            throw ProtocolException.Conflict("organization_exists", $"an organization with id {Id} exists: choose another org_id");
        }
        var now = time.GetUtcNow();
        state.State.Organization = new OrganizationRecord
        {
            OrgId = Id, Name = command.Name, LegalName = command.LegalName, PrimaryDomain = command.PrimaryDomain, Status = TenantStatus.Active,
            MetadataJson = command.MetadataJson, CreatedBy = command.CreatedBy, CreatedAt = now, UpdatedAt = now,
        };
        state.State.Members.Add(NewMember(command.RequestedByActorId, MemberRoles.Owner, null, now));
        await state.WriteStateAsync();
        await directory.AddAsync(Id);
        return View();
    }

    public Task<OrganizationView> GetAsync() => Task.FromResult(View());

    public Task<OrganizationView?> FindAsync() => Task.FromResult(state.State.Organization is null ? null : View());

    public async Task<OrganizationView> UpdateAsync(UpdateOrganizationCommand command)
    {
        var org = Organization();
        if (command.Status == TenantStatus.Archived && org.Status != TenantStatus.Archived
            && state.State.Workspaces.Where(w => w.Status != TenantStatus.Archived).Select(w => w.WorkspaceId).ToList() is { Count: > 0 } open)
            throw ProtocolException.Conflict("organization_has_workspaces",
                $"archive its workspaces first ({string.Join(", ", open)}): an archived organization keeps no live workspace");
        state.State.Organization = org with
        {
            Name = command.Name ?? org.Name, LegalName = command.LegalName ?? org.LegalName, PrimaryDomain = command.PrimaryDomain ?? org.PrimaryDomain,
            Status = command.Status ?? org.Status, MetadataJson = command.MetadataJson ?? org.MetadataJson, UpdatedAt = time.GetUtcNow(),
        };
        await state.WriteStateAsync();
        foreach (var w in state.State.Workspaces) gate.Invalidate(Id, w.WorkspaceId);
        return View();
    }

    public async Task<WorkspaceRecord> CreateWorkspaceAsync(CreateWorkspaceCommand command)
    {
        var org = Organization();
        if (org.Status != TenantStatus.Active)
            throw ProtocolException.Conflict($"organization_{org.Status}", $"organization {Id} is {org.Status}: it takes no new workspaces");
        if (state.State.Workspaces.Any(w => w.WorkspaceId == command.WorkspaceId))
            throw ProtocolException.Conflict("workspace_exists", $"organization {Id} has a workspace {command.WorkspaceId}: choose another workspace_id");
        var now = time.GetUtcNow();
        var workspace = new WorkspaceRecord
        {
            WorkspaceId = command.WorkspaceId, OrgId = Id, Name = command.Name, Environment = command.Environment, Region = command.Region,
            Status = TenantStatus.Active, CreatedAt = now, UpdatedAt = now,
        };
        state.State.Workspaces.Add(workspace);
        await state.WriteStateAsync();
        gate.Invalidate(Id, workspace.WorkspaceId);
        return workspace;
    }

    public Task<IReadOnlyList<WorkspaceRecord>> ListWorkspacesAsync()
    {
        Organization();
        return Task.FromResult<IReadOnlyList<WorkspaceRecord>>([.. state.State.Workspaces]);
    }

    public Task<WorkspaceRecord> GetWorkspaceAsync(string workspaceId) => Task.FromResult(Workspace(workspaceId));

    public async Task<WorkspaceRecord> UpdateWorkspaceAsync(string workspaceId, UpdateWorkspaceCommand command)
    {
        var workspace = Workspace(workspaceId);
        if (command.Status is TenantStatus.Active && Organization().Status != TenantStatus.Active)
            throw ProtocolException.Conflict($"organization_{Organization().Status}", $"organization {Id} is {Organization().Status}: reactivate it first");
        var updated = workspace with
        {
            Name = command.Name ?? workspace.Name, Environment = command.Environment ?? workspace.Environment, Region = command.Region ?? workspace.Region,
            Status = command.Status ?? workspace.Status, UpdatedAt = time.GetUtcNow(),
        };
        state.State.Workspaces[state.State.Workspaces.IndexOf(workspace)] = updated;
        await state.WriteStateAsync();
        gate.Invalidate(Id, workspaceId);
        return updated;
    }

    public Task RequireActiveWorkspaceAsync(string workspaceId)
    {
        if (state.State.Organization is not { } org || state.State.Workspaces.Find(w => w.WorkspaceId == workspaceId) is not { } workspace)
            throw ProtocolException.NotFound("workspace", $"{Id}/{workspaceId} (create it with POST /v1/organizations/{Id}/workspaces)");
        if (org.Status != TenantStatus.Active)
            throw ProtocolException.Conflict($"organization_{org.Status}", $"organization {Id} is {org.Status}");
        if (workspace.Status != TenantStatus.Active)
            throw ProtocolException.Conflict($"workspace_{workspace.Status}", $"workspace {Id}/{workspaceId} is {workspace.Status}");
        return Task.CompletedTask;
    }

    public Task<TenantAccess?> AccessAsync(string workspaceId) => Task.FromResult(
        state.State.Organization is { } org && state.State.Workspaces.Find(w => w.WorkspaceId == workspaceId) is { } w
            ? new TenantAccess(org.Status, w.Status, state.State.Quotas.GetValueOrDefault(workspaceId), Managers(workspaceId))
            : null);

    /// <summary>Who manages a workspace (docs/adr/030): active organization-wide owners and admins, and its workspace admins.</summary>
    private List<string> Managers(string workspaceId) =>
    [
        .. state.State.Members.Where(m => m.Status == "active" && (m.WorkspaceId is null ? m.Role is MemberRoles.Owner or MemberRoles.Admin
            : m.WorkspaceId == workspaceId && m.Role is MemberRoles.Owner or MemberRoles.Admin or MemberRoles.WorkspaceAdmin)).Select(m => m.ActorId).Distinct(),
    ];

    /// <summary>A membership changed: the workspaces whose managers it may change see it at once on this silo.</summary>
    private void MembershipChanged(MemberRecord member)
    {
        foreach (var w in state.State.Workspaces.Where(w => member.WorkspaceId is null || w.WorkspaceId == member.WorkspaceId)) gate.Invalidate(Id, w.WorkspaceId);
    }

    public Task<QuotaPolicy?> GetQuotaAsync(string workspaceId)
    {
        Workspace(workspaceId);
        return Task.FromResult(state.State.Quotas.GetValueOrDefault(workspaceId));
    }

    public async Task<QuotaPolicy> SetQuotaAsync(string workspaceId, QuotaPolicy patch)
    {
        Workspace(workspaceId);
        var own = state.State.Quotas.GetValueOrDefault(workspaceId);
        var dimensions = new Dictionary<string, long>(own?.Dimensions ?? []);
        foreach (var (name, limit) in patch.Dimensions) dimensions[name] = limit;
        var policy = new QuotaPolicy
        {
            QuotaPolicyId = own?.QuotaPolicyId ?? patch.QuotaPolicyId, Dimensions = dimensions,
            SoftThresholdPercent = patch.SoftThresholdPercent ?? own?.SoftThresholdPercent, HardEnforcement = patch.HardEnforcement ?? own?.HardEnforcement,
            OverageMode = patch.OverageMode ?? own?.OverageMode, UpdatedBy = patch.UpdatedBy, UpdatedAt = time.GetUtcNow(),
        };
        state.State.Quotas[workspaceId] = policy;
        await state.WriteStateAsync();
        gate.Invalidate(Id, workspaceId);
        return policy;
    }

    public async Task AdoptWorkspaceAsync(string workspaceId, string actor)
    {
        var now = time.GetUtcNow();
        var changed = false;
        if (state.State.Organization is null)
        {
            state.State.Organization = new OrganizationRecord
            {
                OrgId = Id, Name = Id, Status = TenantStatus.Active, CreatedBy = actor, CreatedAt = now, UpdatedAt = now,
            };
            changed = true;
        }
        if (!state.State.Workspaces.Any(w => w.WorkspaceId == workspaceId))
        {
            state.State.Workspaces.Add(new WorkspaceRecord
            {
                WorkspaceId = workspaceId, OrgId = Id, Name = workspaceId, Environment = "production", Status = TenantStatus.Active,
                CreatedAt = now, UpdatedAt = now,
            });
            changed = true;
        }
        if (changed) await state.WriteStateAsync();
        await GrainFactory.GetGrain<IOrganizationDirectoryGrain>(IOrganizationDirectoryGrain.Key).AddAsync(Id);
        gate.Invalidate(Id, workspaceId);
    }

    public async Task<(MemberRecord Member, bool Created)> AddMemberAsync(AddMemberCommand command)
    {
        Organization();
        if (command.WorkspaceId is { } ws) Workspace(ws);
        if (state.State.Members.Find(m => m.ActorId == command.ActorId && m.WorkspaceId == command.WorkspaceId && m.Status != "removed") is { } existing)
            return existing.Role == command.Role
                ? (existing, false)
                : throw ProtocolException.Conflict("member_exists", $"{command.ActorId} is a member already ({existing.MemberId}, {existing.Role}): change its role with PATCH");
        var member = NewMember(command.ActorId, command.Role, command.WorkspaceId, time.GetUtcNow());
        state.State.Members.Add(member);
        await state.WriteStateAsync();
        MembershipChanged(member);
        return (member, true);
    }

    public Task<IReadOnlyList<MemberRecord>> ListMembersAsync(string? workspaceId)
    {
        Organization();
        if (workspaceId is not null) Workspace(workspaceId);
        return Task.FromResult<IReadOnlyList<MemberRecord>>(state.State.Members
            .Where(m => m.Status != "removed" && (workspaceId is null || m.WorkspaceId is null || m.WorkspaceId == workspaceId)).ToList());
    }

    public async Task<MemberRecord> UpdateMemberAsync(string memberId, string? role, string? status)
    {
        Organization();
        var i = state.State.Members.FindIndex(m => m.MemberId == memberId && m.Status != "removed");
        if (i < 0) throw ProtocolException.NotFound("member", memberId);
        var member = state.State.Members[i];
        var updated = member with { Role = role ?? member.Role, Status = status ?? member.Status, UpdatedAt = time.GetUtcNow() };
        if (IsActiveOwner(member) && !IsActiveOwner(updated) && state.State.Members.Count(IsActiveOwner) == 1)
            throw ProtocolException.Conflict("last_owner", "an organization keeps at least one active org_owner: make another member owner first");
        state.State.Members[i] = updated;
        await state.WriteStateAsync();
        MembershipChanged(updated);
        return updated;
    }

    private static bool IsActiveOwner(MemberRecord m) => m.Role == MemberRoles.Owner && m.Status == "active" && m.WorkspaceId is null;

    private MemberRecord NewMember(string actorId, string role, string? workspaceId, DateTimeOffset now) => new()
    {
        MemberId = "mem_" + Guid.NewGuid().ToString("N")[..20], OrgId = Id, WorkspaceId = workspaceId, ActorId = actorId, Role = role,
        Status = "active", CreatedAt = now, UpdatedAt = now,
    };

    private OrganizationView View() => new(Organization(), state.State.Workspaces.Count, state.State.Members.Count(m => m.Status == "active"));

    private OrganizationRecord Organization() => state.State.Organization ?? throw ProtocolException.NotFound("organization", Id);

    private WorkspaceRecord Workspace(string workspaceId)
    {
        Organization();
        return state.State.Workspaces.Find(w => w.WorkspaceId == workspaceId) ?? throw ProtocolException.NotFound("workspace", $"{Id}/{workspaceId}");
    }
}
