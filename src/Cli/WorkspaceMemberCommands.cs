using System.ComponentModel;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

// axme workspace members list|include|exclude: the members of one workspace (PROTOCOL §11.2, docs/adr/026).

/// <summary>Settings of the workspace-members commands: the workspace given, else the context's.</summary>
public class WorkspaceMembersSettings : OrgSettings
{
    [CommandOption("--workspace <WORKSPACE_ID>")]
    [Description("The workspace (else the context's workspace_id)")]
    public string? Workspace { get; set; }

    internal string ResolveWorkspace() =>
        Workspace ?? Connection.Resolve(this).WorkspaceId ?? throw new CliException(ExitCodes.Usage, "no workspace: pass --workspace or run axme workspace use WS");
}

/// <summary>axme workspace members list: the workspace's members and the organization-wide ones.</summary>
public sealed class WorkspaceMembersListCommand : AxmeCommand<WorkspaceMembersSettings>
{
    protected override async Task<int> RunAsync(WorkspaceMembersSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var list = await client.ListMembersAsync(await s.ResolveOrgAsync(client, ct), s.ResolveWorkspace(), ct);
        if (s.Json) { PrintJson(Raw(list)); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("member_id", "actor", "role", "scope", "status");
        foreach (var m in list.Members)
            t.AddRow(Esc(m.MemberId), Esc(m.ActorId), m.Role, m.WorkspaceId is null ? "organization" : "workspace", TenancyText.Status(m.Status));
        AnsiConsole.Write(t);
        return 0;
    }
}

public sealed class WorkspaceMembersIncludeSettings : WorkspaceMembersSettings
{
    [CommandArgument(0, "<actor_id>")]
    [Description("The person: their account id")]
    public string Actor { get; set; } = "";

    [CommandOption("--role <ROLE>")]
    [Description("workspace_admin, member (default), billing_viewer, security_auditor, …")]
    public string Role { get; set; } = "member";
}

/// <summary>axme workspace members include ACTOR [--role R]: a member limited to the workspace.</summary>
public sealed class WorkspaceMembersIncludeCommand : AxmeCommand<WorkspaceMembersIncludeSettings>
{
    protected override async Task<int> RunAsync(WorkspaceMembersIncludeSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var ws = s.ResolveWorkspace();
        var m = (await client.IncludeWorkspaceMemberAsync(ws, new MemberAddRequest { OrgId = await s.ResolveOrgAsync(client, ct), ActorId = s.Actor, Role = s.Role }, ct)).Member;
        if (s.Json) { PrintJson(Raw(m)); return 0; }
        AnsiConsole.MarkupLine($"Member [bold]{Esc(m.MemberId)}[/]: {Esc(m.ActorId)} as {m.Role} in {Esc(ws)}");
        return 0;
    }
}

public sealed class WorkspaceMembersExcludeSettings : WorkspaceMembersSettings
{
    [CommandArgument(0, "<member_id>")]
    public string Id { get; set; } = "";
}

/// <summary>axme workspace members exclude MEMBER: removes a member limited to the workspace.</summary>
public sealed class WorkspaceMembersExcludeCommand : AxmeCommand<WorkspaceMembersExcludeSettings>
{
    protected override async Task<int> RunAsync(WorkspaceMembersExcludeSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var removed = await client.ExcludeWorkspaceMemberAsync(s.ResolveWorkspace(), s.Id, await s.ResolveOrgAsync(client, ct), ct);
        if (s.Json) { PrintJson(Raw(removed)); return 0; }
        AnsiConsole.MarkupLine($"Member [bold]{Esc(removed.MemberId)}[/] removed");
        return 0;
    }
}
