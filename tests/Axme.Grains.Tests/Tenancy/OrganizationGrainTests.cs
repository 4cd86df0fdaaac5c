using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Tenancy;

namespace Axme.Grains.Tests.Tenancy;

/// <summary>Organizations, workspaces and members as one grain's rules (docs/adr/026).</summary>
[Collection(ClusterCollection.Name)]
public sealed class OrganizationGrainTests(ClusterFixture fx)
{
    private readonly string _org = TestData.NewName("org");

    private IOrganizationGrain Org() => fx.Client.GetGrain<IOrganizationGrain>(_org);

    private Task<OrganizationView> CreateAsync() => Org().CreateAsync(new CreateOrganizationCommand
    {
        Name = "Acme Corporation", RequestedByActorId = "sa_owner", CreatedBy = "sa_admin", MetadataJson = """{"tier":"gold"}""",
    });

    [Fact]
    public async Task Creating_makes_the_requester_owner_lists_the_organization_and_refuses_the_same_id_twice()
    {
        var view = await CreateAsync();
        Assert.Equal(TenantStatus.Active, view.Organization.Status);
        Assert.Equal((0, 1), (view.WorkspacesCount, view.MembersCount));
        var owner = Assert.Single(await Org().ListMembersAsync(null));
        Assert.Equal(("sa_owner", MemberRoles.Owner, "active"), (owner.ActorId, owner.Role, owner.Status));
        Assert.Contains(_org, await fx.Client.GetGrain<IOrganizationDirectoryGrain>(IOrganizationDirectoryGrain.Key).ListAsync());

        var again = await Assert.ThrowsAsync<ProtocolException>(CreateAsync);
        Assert.Equal((409, "organization_exists"), (again.Status, again.Code));
        Assert.Null(await fx.Client.GetGrain<IOrganizationGrain>(TestData.NewName("none")).FindAsync());
    }

    [Fact]
    public async Task Accounts_are_made_only_in_an_active_workspace_that_exists()
    {
        await CreateAsync();
        var directory = fx.Client.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(_org, "prod"));
        var command = new CreateServiceAccountCommand { OrgId = _org, WorkspaceId = "prod", Name = "bot", CreatedByActorId = "sa_admin" };
        var missing = await Assert.ThrowsAsync<ProtocolException>(() => directory.CreateServiceAccountAsync(command));
        Assert.Equal((404, "workspace_not_found"), (missing.Status, missing.Code));

        await Org().CreateWorkspaceAsync(new CreateWorkspaceCommand { WorkspaceId = "prod", Name = "Production", Environment = "production" });
        var duplicate = await Assert.ThrowsAsync<ProtocolException>(() =>
            Org().CreateWorkspaceAsync(new CreateWorkspaceCommand { WorkspaceId = "prod", Name = "Again", Environment = "sandbox" }));
        Assert.Equal((409, "workspace_exists"), (duplicate.Status, duplicate.Code));
        Assert.True((await directory.CreateServiceAccountAsync(command)).Created);

        await Org().UpdateWorkspaceAsync("prod", new UpdateWorkspaceCommand { Status = TenantStatus.Suspended });
        var access = await Org().AccessAsync("prod");
        Assert.Equal((TenantStatus.Active, TenantStatus.Suspended), (access!.OrganizationStatus, access.WorkspaceStatus));
        Assert.Equal(["sa_owner"], access.Managers!); // the owner manages every workspace
        await Org().AddMemberAsync(new AddMemberCommand { ActorId = "sa_ws_admin", Role = MemberRoles.WorkspaceAdmin, WorkspaceId = "prod" });
        await Org().AddMemberAsync(new AddMemberCommand { ActorId = "sa_member", Role = "member", WorkspaceId = "prod" });
        Assert.Equal(["sa_owner", "sa_ws_admin"], (await Org().AccessAsync("prod"))!.Managers!);
        var suspended = await Assert.ThrowsAsync<ProtocolException>(() => directory.CreateServiceAccountAsync(command with { Name = "bot2" }));
        Assert.Equal((409, "workspace_suspended"), (suspended.Status, suspended.Code));
        // An existing name still answers with its account (creation stays idempotent).
        Assert.False((await directory.CreateServiceAccountAsync(command)).Created);
    }

    [Fact]
    public async Task An_organization_archives_only_after_its_workspaces_and_keeps_one_active_owner()
    {
        await CreateAsync();
        await Org().CreateWorkspaceAsync(new CreateWorkspaceCommand { WorkspaceId = "a", Name = "A", Environment = "staging", Region = "eu" });
        var refused = await Assert.ThrowsAsync<ProtocolException>(() => Org().UpdateAsync(new UpdateOrganizationCommand { Status = TenantStatus.Archived }));
        Assert.Equal((409, "organization_has_workspaces"), (refused.Status, refused.Code));
        await Org().UpdateWorkspaceAsync("a", new UpdateWorkspaceCommand { Status = TenantStatus.Archived });
        var archived = await Org().UpdateAsync(new UpdateOrganizationCommand { Status = TenantStatus.Archived, Name = "Acme (closed)" });
        Assert.Equal((TenantStatus.Archived, "Acme (closed)", 1), (archived.Organization.Status, archived.Organization.Name, archived.WorkspacesCount));
        var noNew = await Assert.ThrowsAsync<ProtocolException>(() =>
            Org().CreateWorkspaceAsync(new CreateWorkspaceCommand { WorkspaceId = "b", Name = "B", Environment = "sandbox" }));
        Assert.Equal((409, "organization_archived"), (noNew.Status, noNew.Code));

        var owner = Assert.Single(await Org().ListMembersAsync(null));
        var last = await Assert.ThrowsAsync<ProtocolException>(() => Org().UpdateMemberAsync(owner.MemberId, null, "removed"));
        Assert.Equal((409, "last_owner"), (last.Status, last.Code));
        var (second, created) = await Org().AddMemberAsync(new AddMemberCommand { ActorId = "sa_two", Role = MemberRoles.Owner });
        Assert.True(created);
        Assert.False((await Org().AddMemberAsync(new AddMemberCommand { ActorId = "sa_two", Role = MemberRoles.Owner })).Created);
        Assert.Equal("removed", (await Org().UpdateMemberAsync(owner.MemberId, null, "removed")).Status);
        Assert.Equal(second.MemberId, Assert.Single(await Org().ListMembersAsync(null)).MemberId);
    }

    [Fact]
    public async Task Adopting_records_a_workspace_from_before_workspaces_were_resources_once_and_keeps_known_ones()
    {
        await Org().AdoptWorkspaceAsync("legacy", "system");
        var view = await Org().GetAsync();
        Assert.Equal((_org, TenantStatus.Active, 1, 0), (view.Organization.Name, view.Organization.Status, view.WorkspacesCount, view.MembersCount));
        await Org().UpdateWorkspaceAsync("legacy", new UpdateWorkspaceCommand { Name = "Legacy jobs", Status = TenantStatus.Suspended });
        await Org().AdoptWorkspaceAsync("legacy", "system");
        var kept = await Org().GetWorkspaceAsync("legacy");
        Assert.Equal(("Legacy jobs", TenantStatus.Suspended), (kept.Name, kept.Status));
        Assert.Contains(_org, await fx.Client.GetGrain<IOrganizationDirectoryGrain>(IOrganizationDirectoryGrain.Key).ListAsync());
    }
}

/// <summary>The start-up adoption reads every stored workspace directory (docs/adr/026 §4).</summary>
[Collection(ClusterCollection.Name)]
public sealed class TenantAdoptionTests(ClusterFixture fx)
{
    [Fact]
    public async Task Every_stored_workspace_directory_gets_its_organization_and_workspace_records()
    {
        // A directory as a node before workspaces were resources stored it: a row of the workspace grain type, and
        // no organization record. (Copied from a real row under another key: only the key is read.)
        var org = TestData.NewName("legacy");
        var seedOrg = TestData.NewName("seed");
        await (await TestData.WorkspaceAsync(fx.Client, seedOrg, "ws"))
            .CreateServiceAccountAsync(new CreateServiceAccountCommand { OrgId = seedOrg, WorkspaceId = "ws", Name = "a", CreatedByActorId = "t" });
        var copied = await fx.ScalarAsync<int>("""
            WITH src AS (SELECT * FROM orleansstorage WHERE serviceid = @service AND graintypestring = 'workspace' AND payloadbinary IS NOT NULL LIMIT 1)
            INSERT INTO orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid, payloadbinary, version)
            SELECT grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, @key, serviceid, payloadbinary, version FROM src
            RETURNING 1
            """, ("service", fx.ServiceId), ("key", $"{org}/old-ws"));
        Assert.Equal(1, copied);
        Assert.Null(await fx.Client.GetGrain<IOrganizationGrain>(org).FindAsync());

        Assert.True(await Axme.Silo.Hosting.TenantAdoption.AdoptAsync(fx.Db, fx.Client, fx.ServiceId) >= 1);
        var workspace = await fx.Client.GetGrain<IOrganizationGrain>(org).GetWorkspaceAsync("old-ws");
        Assert.Equal((TenantStatus.Active, "old-ws", "production"), (workspace.Status, workspace.Name, workspace.Environment));
        Assert.Contains(org, await fx.Client.GetGrain<IOrganizationDirectoryGrain>(IOrganizationDirectoryGrain.Key).ListAsync());
    }

    [Fact]
    public async Task Human_users_stored_before_people_could_sign_in_are_linked_to_their_person()
    {
        var org = TestData.NewName("people");
        var email = $"{org}@Example.com";
        var (user, _) = await (await TestData.WorkspaceAsync(fx.Client, org, "ws")).CreateServiceAccountAsync(new CreateServiceAccountCommand
        {
            OrgId = org, WorkspaceId = "ws", Name = "dana", CreatedByActorId = "t", Kind = AccountKinds.Human, Email = email,
        });
        var person = fx.Client.GetGrain<Axme.Grains.Interfaces.People.IPersonGrain>(Axme.Grains.Interfaces.People.Persons.Key(email));
        Assert.Equal([user.ServiceAccountId], await person.AccountIdsAsync()); // linked as it was created
        await person.UnlinkAsync(user.ServiceAccountId); // as a node before people stored it
        await Axme.Silo.Hosting.TenantAdoption.AdoptAsync(fx.Db, fx.Client, fx.ServiceId);
        Assert.Equal([user.ServiceAccountId], await person.AccountIdsAsync());
    }
}

