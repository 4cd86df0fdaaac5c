using System.ComponentModel;
using System.Globalization;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

/// <summary>Settings of commands about one organization: --org, else the context's org_id, else the key's only one.</summary>
public class OrgSettings : GlobalSettings
{
    [CommandOption("--org <ORG_ID>")]
    [Description("The organization (else the context's org_id, else the key's own)")]
    public string? Org { get; set; }

    /// <summary>The organization the command is about.</summary>
    internal async Task<string> ResolveOrgAsync(AxmeClient client, CancellationToken ct)
    {
        if ((Org ?? Connection.Resolve(this).OrgId) is { Length: > 0 } org) return org;
        var orgs = (await client.ListOrganizationsAsync(ct)).Organizations;
        return orgs.Count == 1 ? orgs[0].OrgId : throw new CliException(ExitCodes.Usage, "the key sees several organizations: pass --org");
    }
}

/// <summary>axme org list: the organizations the key may see (all of them for an admin key).</summary>
public sealed class OrgListCommand : AxmeCommand<GlobalSettings>
{
    protected override async Task<int> RunAsync(GlobalSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var list = await client.ListOrganizationsAsync(ct);
        if (s.Json) { PrintJson(Raw(list)); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("org_id", "name", "status", "workspaces", "members", "created");
        foreach (var o in list.Organizations)
            t.AddRow(Esc(o.OrgId), Esc(o.Name), TenancyText.Status(o.Status), $"{o.WorkspacesCount}", $"{o.MembersCount}", TenancyText.Time(o.CreatedAt));
        AnsiConsole.Write(t);
        return 0;
    }
}

/// <summary>axme org show [--org ORG]: one organization.</summary>
public sealed class OrgShowCommand : AxmeCommand<OrgSettings>
{
    protected override async Task<int> RunAsync(OrgSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var org = (await client.GetOrganizationAsync(await s.ResolveOrgAsync(client, ct), ct)).Organization;
        if (s.Json) { PrintJson(Raw(org)); return 0; }
        AnsiConsole.MarkupLine($"[bold]{Esc(org.Name)}[/] ({Esc(org.OrgId)}) {TenancyText.Status(org.Status)}");
        AnsiConsole.MarkupLine($"{org.WorkspacesCount} workspaces, {org.MembersCount} members, created {TenancyText.Time(org.CreatedAt)}");
        if (org.LegalName is not null || org.PrimaryDomain is not null) AnsiConsole.MarkupLine(Esc($"{org.LegalName} {org.PrimaryDomain}".Trim()));
        return 0;
    }
}

public sealed class OrgCreateSettings : GlobalSettings
{
    [CommandArgument(0, "<name>")]
    [Description("Its name (2-120 characters)")]
    public string Name { get; set; } = "";

    [CommandOption("--id <ORG_ID>")]
    [Description("Its id: a-z, 0-9, '.', '_', '-' (default: the name's slug); the first segment of its agents' addresses")]
    public string? Id { get; set; }

    [CommandOption("--owner <ACTOR_ID>")]
    [Description("Its first member, an org_owner (default: the key's account)")]
    public string? Owner { get; set; }

    [CommandOption("--legal-name <TEXT>")]
    public string? LegalName { get; set; }

    [CommandOption("--domain <DOMAIN>")]
    public string? Domain { get; set; }
}

/// <summary>axme org create NAME [--id ID]: a new organization (admin key).</summary>
public sealed class OrgCreateCommand : AxmeCommand<OrgCreateSettings>
{
    protected override async Task<int> RunAsync(OrgCreateSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var org = (await client.CreateOrganizationAsync(new OrganizationCreateRequest
        {
            Name = s.Name, OrgId = s.Id, RequestedByActorId = s.Owner, LegalName = s.LegalName, PrimaryDomain = s.Domain,
        }, ct)).Organization;
        if (s.Json) { PrintJson(Raw(org)); return 0; }
        AnsiConsole.MarkupLine($"Organization [bold]{Esc(org.OrgId)}[/] created; add a workspace: axme workspace create NAME --org {Esc(org.OrgId)} --environment production");
        return 0;
    }
}

public sealed class OrgUpdateSettings : OrgSettings
{
    [CommandOption("--name <NAME>")]
    public string? Name { get; set; }

    [CommandOption("--status <STATUS>")]
    [Description("active, suspended (its keys are refused), archived (once its workspaces are)")]
    public string? Status { get; set; }
}

/// <summary>axme org update [--org ORG] [--name N] [--status S].</summary>
public sealed class OrgUpdateCommand : AxmeCommand<OrgUpdateSettings>
{
    protected override async Task<int> RunAsync(OrgUpdateSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var org = (await client.UpdateOrganizationAsync(await s.ResolveOrgAsync(client, ct), new OrganizationUpdateRequest { Name = s.Name, Status = s.Status }, ct)).Organization;
        if (s.Json) { PrintJson(Raw(org)); return 0; }
        AnsiConsole.MarkupLine($"Organization [bold]{Esc(org.OrgId)}[/]: {Esc(org.Name)} {TenancyText.Status(org.Status)}");
        return 0;
    }
}

/// <summary>axme workspace list [--org ORG]: the organization's workspaces; the context's is marked.</summary>
public sealed class WorkspaceListCommand : AxmeCommand<OrgSettings>
{
    protected override async Task<int> RunAsync(OrgSettings s, CancellationToken ct)
    {
        var connection = Connection.Resolve(s);
        using var client = connection.CreateClient();
        var list = await client.ListWorkspacesAsync(await s.ResolveOrgAsync(client, ct), ct);
        if (s.Json) { PrintJson(Raw(list)); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("", "workspace_id", "name", "environment", "status", "region", "created");
        foreach (var w in list.Workspaces)
            t.AddRow(w.WorkspaceId == connection.WorkspaceId ? "*" : "", Esc(w.WorkspaceId), Esc(w.Name), w.Environment, TenancyText.Status(w.Status),
                Esc(w.Region ?? ""), TenancyText.Time(w.CreatedAt));
        AnsiConsole.Write(t);
        return 0;
    }
}

public sealed class WorkspaceCreateSettings : OrgSettings
{
    [CommandArgument(0, "<name>")]
    [Description("Its name (2-120 characters)")]
    public string Name { get; set; } = "";

    [CommandOption("--id <WORKSPACE_ID>")]
    [Description("Its id (default: the name's slug); the second segment of its agents' addresses")]
    public string? Id { get; set; }

    [CommandOption("--environment <ENV>")]
    [Description("sandbox, staging or production (default production)")]
    public string Environment { get; set; } = "production";

    [CommandOption("--region <REGION>")]
    public string? Region { get; set; }
}

/// <summary>axme workspace create NAME [--org ORG] [--environment E]: a new workspace.</summary>
public sealed class WorkspaceCreateCommand : AxmeCommand<WorkspaceCreateSettings>
{
    protected override async Task<int> RunAsync(WorkspaceCreateSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var ws = (await client.CreateWorkspaceAsync(await s.ResolveOrgAsync(client, ct),
            new WorkspaceCreateRequest { Name = s.Name, WorkspaceId = s.Id, Environment = s.Environment, Region = s.Region }, ct)).Workspace;
        if (s.Json) { PrintJson(Raw(ws)); return 0; }
        AnsiConsole.MarkupLine($"Workspace [bold]{Esc(ws.OrgId)}/{Esc(ws.WorkspaceId)}[/] created ({ws.Environment}); make it current: axme workspace use {Esc(ws.WorkspaceId)} --org {Esc(ws.OrgId)}");
        return 0;
    }
}

public sealed class WorkspaceUpdateSettings : OrgSettings
{
    [CommandArgument(0, "<workspace_id>")]
    public string Id { get; set; } = "";

    [CommandOption("--name <NAME>")]
    public string? Name { get; set; }

    [CommandOption("--status <STATUS>")]
    [Description("active, suspended (its keys are refused) or archived (only without live intents)")]
    public string? Status { get; set; }
}

/// <summary>axme workspace update WS [--name N] [--status S].</summary>
public sealed class WorkspaceUpdateCommand : AxmeCommand<WorkspaceUpdateSettings>
{
    protected override async Task<int> RunAsync(WorkspaceUpdateSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var ws = (await client.UpdateWorkspaceAsync(await s.ResolveOrgAsync(client, ct), s.Id, new WorkspaceUpdateRequest { Name = s.Name, Status = s.Status }, ct)).Workspace;
        if (s.Json) { PrintJson(Raw(ws)); return 0; }
        AnsiConsole.MarkupLine($"Workspace [bold]{Esc(ws.OrgId)}/{Esc(ws.WorkspaceId)}[/]: {Esc(ws.Name)} {TenancyText.Status(ws.Status)}");
        return 0;
    }
}

public sealed class WorkspaceUseSettings : OrgSettings
{
    [CommandArgument(0, "<workspace_id>")]
    public string Id { get; set; } = "";
}

/// <summary>axme workspace use WS [--org ORG]: checks the workspace exists, then makes it the context's.</summary>
public sealed class WorkspaceUseCommand : AxmeCommand<WorkspaceUseSettings>
{
    protected override async Task<int> RunAsync(WorkspaceUseSettings s, CancellationToken ct)
    {
        var connection = Connection.Resolve(s);
        using var client = connection.CreateClient();
        var org = await s.ResolveOrgAsync(client, ct);
        var ws = (await client.ListWorkspacesAsync(org, ct)).Workspaces.FirstOrDefault(w => w.WorkspaceId == s.Id.Trim().ToLowerInvariant())
                 ?? throw new CliException(ExitCodes.NotFound, $"organization {org} has no workspace {s.Id} (see axme workspace list)");
        var config = CliConfig.Load();
        if (!config.Contexts.TryGetValue(connection.ContextName, out var c)) config.Contexts[connection.ContextName] = c = new CliContext();
        c.OrgId = ws.OrgId;
        c.WorkspaceId = ws.WorkspaceId;
        config.Save();
        if (s.Json) PrintJson(new System.Text.Json.Nodes.JsonObject { ["context"] = connection.ContextName, ["org_id"] = ws.OrgId, ["workspace_id"] = ws.WorkspaceId });
        else AnsiConsole.MarkupLine($"Context [bold]{Esc(connection.ContextName)}[/] now uses {Esc(ws.OrgId)}/{Esc(ws.WorkspaceId)}");
        return 0;
    }
}

internal static class TenancyText
{
    public static string Status(string status) => status switch
    {
        "active" => "[green]active[/]",
        "suspended" or "invited" or "pending" => $"[yellow]{status}[/]",
        _ => $"[grey]{status}[/]",
    };

    public static string Time(DateTimeOffset t) => t.ToString("u", CultureInfo.InvariantCulture);
}
