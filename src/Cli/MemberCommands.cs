using System.ComponentModel;
using System.Globalization;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

// axme member list|add|update|remove: an organization's members (docs/adr/026).

public sealed class MemberListSettings : OrgSettings
{
    [CommandOption("--workspace <WORKSPACE_ID>")]
    [Description("Only the members of this workspace (and the organization-wide ones)")]
    public string? Workspace { get; set; }
}

/// <summary>axme member list [--org ORG] [--workspace WS].</summary>
public sealed class MemberListCommand : AxmeCommand<MemberListSettings>
{
    protected override async Task<int> RunAsync(MemberListSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var list = await client.ListMembersAsync(await s.ResolveOrgAsync(client, ct), s.Workspace, ct);
        if (s.Json) { PrintJson(Raw(list)); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("member_id", "actor", "role", "workspace", "status", "since");
        foreach (var m in list.Members)
            t.AddRow(Esc(m.MemberId), Esc(m.ActorId), m.Role, Esc(m.WorkspaceId ?? "(all)"), TenancyText.Status(m.Status), TenancyText.Time(m.CreatedAt));
        AnsiConsole.Write(t);
        return 0;
    }
}

public sealed class MemberAddSettings : OrgSettings
{
    [CommandArgument(0, "<actor_id>")]
    [Description("The person: their account id (usr_… or sa_…)")]
    public string Actor { get; set; } = "";

    [CommandOption("--role <ROLE>")]
    [Description("org_owner, org_admin, workspace_admin, member (default), billing_viewer, security_auditor")]
    public string Role { get; set; } = "member";

    [CommandOption("--workspace <WORKSPACE_ID>")]
    [Description("Limit the membership to this workspace")]
    public string? Workspace { get; set; }
}

/// <summary>axme member add ACTOR [--role R] [--workspace WS].</summary>
public sealed class MemberAddCommand : AxmeCommand<MemberAddSettings>
{
    protected override async Task<int> RunAsync(MemberAddSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var m = (await client.AddMemberAsync(await s.ResolveOrgAsync(client, ct), new MemberAddRequest { ActorId = s.Actor, Role = s.Role, WorkspaceId = s.Workspace }, ct)).Member;
        if (s.Json) { PrintJson(Raw(m)); return 0; }
        AnsiConsole.MarkupLine($"Member [bold]{Esc(m.MemberId)}[/]: {Esc(m.ActorId)} as {m.Role}");
        return 0;
    }
}

public sealed class MemberUpdateSettings : OrgSettings
{
    [CommandArgument(0, "<member_id>")]
    public string Id { get; set; } = "";

    [CommandOption("--role <ROLE>")]
    public string? Role { get; set; }

    [CommandOption("--status <STATUS>")]
    [Description("active, invited, suspended or removed")]
    public string? Status { get; set; }
}

/// <summary>axme member update MEMBER [--role R] [--status S].</summary>
public sealed class MemberUpdateCommand : AxmeCommand<MemberUpdateSettings>
{
    protected override async Task<int> RunAsync(MemberUpdateSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var m = (await client.UpdateMemberAsync(await s.ResolveOrgAsync(client, ct), s.Id, new MemberUpdateRequest { Role = s.Role, Status = s.Status }, ct)).Member;
        if (s.Json) { PrintJson(Raw(m)); return 0; }
        AnsiConsole.MarkupLine($"Member [bold]{Esc(m.MemberId)}[/]: {Esc(m.ActorId)} as {m.Role}, {TenancyText.Status(m.Status)}");
        return 0;
    }
}

public sealed class MemberRemoveSettings : OrgSettings
{
    [CommandArgument(0, "<member_id>")]
    public string Id { get; set; } = "";
}

/// <summary>axme member remove MEMBER.</summary>
public sealed class MemberRemoveCommand : AxmeCommand<MemberRemoveSettings>
{
    protected override async Task<int> RunAsync(MemberRemoveSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var removed = await client.RemoveMemberAsync(await s.ResolveOrgAsync(client, ct), s.Id, ct);
        if (s.Json) { PrintJson(Raw(removed)); return 0; }
        AnsiConsole.MarkupLine($"Member [bold]{Esc(removed.MemberId)}[/] removed");
        return 0;
    }
}
