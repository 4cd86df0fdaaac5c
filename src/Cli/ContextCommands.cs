using System.ComponentModel;
using System.Net;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

public class ContextSetSettings : GlobalSettings
{
    [CommandArgument(0, "[name]")]
    [Description("Context name (default: the current one)")]
    public string? Name { get; set; }

    [CommandOption("--org-id <ORG>")]
    public string? OrgId { get; set; }

    [CommandOption("--workspace-id <WS>")]
    public string? WorkspaceId { get; set; }
}

/// <summary>axme context set [name] / axme login: stores base URL, key, org, workspace and, optionally, an actor token and owner agent ("" clears them).</summary>
public sealed class ContextSetCommand : AxmeCommand<ContextSetSettings>
{
    protected override Task<int> RunAsync(ContextSetSettings s, CancellationToken ct) => Task.FromResult(Store(s));

    /// <summary>Writes the settings given into the named (or current) context and makes it current.</summary>
    internal static int Store(ContextSetSettings s)
    {
        var config = CliConfig.Load();
        var name = s.Name ?? s.ContextName ?? config.CurrentContext;
        if (!config.Contexts.TryGetValue(name, out var c)) config.Contexts[name] = c = new CliContext();
        if (s.BaseUrl is not null) c.BaseUrl = s.BaseUrl;
        if (s.ApiKey is not null) c.ApiKey = s.ApiKey;
        if (s.OrgId is not null) c.OrgId = s.OrgId;
        if (s.WorkspaceId is not null) c.WorkspaceId = s.WorkspaceId;
        if (s.ActorToken is not null) c.ActorToken = s.ActorToken.Length == 0 ? null : s.ActorToken;
        if (s.OwnerAgent is not null) c.OwnerAgent = s.OwnerAgent.Length == 0 ? null : s.OwnerAgent;
        config.CurrentContext = name;
        config.Save();
        if (s.Json) PrintJson(new JsonObject { ["context"] = name, ["path"] = CliConfig.FilePath });
        else AnsiConsole.MarkupLine($"Context [bold]{Esc(name)}[/] saved to {Esc(CliConfig.FilePath)}");
        return 0;
    }
}

public sealed class ContextNameSettings : GlobalSettings
{
    [CommandArgument(0, "<name>")]
    [Description("Context name")]
    public string Name { get; set; } = "";
}

/// <summary>axme context use &lt;name&gt;: makes a stored context the current one.</summary>
public sealed class ContextUseCommand : AxmeCommand<ContextNameSettings>
{
    protected override Task<int> RunAsync(ContextNameSettings s, CancellationToken ct)
    {
        var config = CliConfig.Load();
        if (!config.Contexts.ContainsKey(s.Name))
        {
            var known = config.Contexts.Count == 0 ? "none stored yet (axme context set <name> …)" : string.Join(", ", config.Contexts.Keys.Order(StringComparer.Ordinal));
            throw new CliException(ExitCodes.NotFound, $"no context named '{s.Name}'; known: {known}");
        }
        config.CurrentContext = s.Name;
        config.Save();
        var c = config.Contexts[s.Name];
        if (s.Json) PrintJson(new JsonObject { ["current_context"] = s.Name, ["base_url"] = c.BaseUrl ?? CliConfig.DefaultBaseUrl });
        else AnsiConsole.MarkupLine($"Current context: [bold]{Esc(s.Name)}[/] ({Esc(c.BaseUrl ?? CliConfig.DefaultBaseUrl)})");
        return Task.FromResult(0);
    }
}

/// <summary>axme context list: every stored context, the current one marked; API keys only as a masked hint.</summary>
public sealed class ContextListCommand : AxmeCommand<GlobalSettings>
{
    protected override Task<int> RunAsync(GlobalSettings s, CancellationToken ct)
    {
        var config = CliConfig.Load();
        var rows = config.Contexts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new JsonObject
        {
            ["name"] = p.Key,
            ["current"] = p.Key == config.CurrentContext,
            ["base_url"] = p.Value.BaseUrl ?? CliConfig.DefaultBaseUrl,
            ["api_key_hint"] = KeyHint.Of(p.Value.ApiKey),
            ["org_id"] = p.Value.OrgId,
            ["workspace_id"] = p.Value.WorkspaceId,
            ["actor_token_hint"] = KeyHint.Of(p.Value.ActorToken),
            ["owner_agent"] = p.Value.OwnerAgent,
        }).ToList();
        if (s.Json)
        {
            PrintJson(new JsonObject
            {
                ["current_context"] = config.CurrentContext,
                ["config_file"] = CliConfig.FilePath,
                ["contexts"] = new JsonArray([.. rows]),
            });
            return Task.FromResult(0);
        }
        if (rows.Count == 0)
        {
            AnsiConsole.MarkupLine($"[grey]No contexts in {Esc(CliConfig.FilePath)}; create one with axme context set <name> --base-url … --api-key …[/]");
            return Task.FromResult(0);
        }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("", "name", "base_url", "api_key", "org_id", "workspace_id");
        foreach (var r in rows)
        {
            var current = r["current"]!.GetValue<bool>();
            t.AddRow(current ? "[green]*[/]" : "", current ? $"[bold]{Esc(r["name"])}[/]" : Esc(r["name"]), Esc(r["base_url"]),
                Esc(r["api_key_hint"]?.ToString() ?? "(none)"), Esc(r["org_id"]), Esc(r["workspace_id"]));
        }
        AnsiConsole.Write(t);
        return Task.FromResult(0);
    }
}

/// <summary>What may be shown of an API key: never its secret (the node's key_hint format, so whoami can match it).</summary>
public static class KeyHint
{
    public static string? Of(string? key)
    {
        if (string.IsNullOrEmpty(key)) return null;
        // axme_sa_<service_account_id>_<secret>: the account part is not secret.
        if (key.StartsWith("axme_sa_", StringComparison.Ordinal) && key.LastIndexOf('_') is var cut and > 8)
            return key[..(cut + 1)] + "****";
        return key.Length >= 16 ? "****" + key[^4..] : "****";
    }
}

/// <summary>axme context show: the effective connection (key masked).</summary>
public sealed class ContextShowCommand : AxmeCommand<GlobalSettings>
{
    protected override Task<int> RunAsync(GlobalSettings s, CancellationToken ct)
    {
        var c = Connection.Resolve(s);
        var o = new JsonObject
        {
            ["context"] = c.ContextName, ["base_url"] = c.BaseUrl, ["api_key"] = KeyHint.Of(c.ApiKey),
            ["org_id"] = c.OrgId, ["workspace_id"] = c.WorkspaceId, ["actor_token"] = KeyHint.Of(c.ActorToken),
            ["owner_agent"] = c.OwnerAgent, ["config_file"] = CliConfig.FilePath,
        };
        if (s.Json) PrintJson(o);
        else
        {
            var t = new Table().AddColumn("Setting").AddColumn("Value");
            foreach (var (k, v) in o) t.AddRow(Esc(k), Esc(v?.ToString()));
            AnsiConsole.Write(t);
        }
        return Task.FromResult(0);
    }
}

/// <summary>axme status: GET /health and GET /v1/capabilities.</summary>
public sealed class StatusCommand : AxmeCommand<GlobalSettings>
{
    protected override async Task<int> RunAsync(GlobalSettings s, CancellationToken ct)
    {
        var c = Connection.Resolve(s);
        var timeout = TimeSpan.FromSeconds(15);
        var (healthStatus, healthBody) = await Probe.GetAsync(c, "health", ct, timeout)
            ?? throw new CliException(ExitCodes.Server, $"cannot reach the node at {c.BaseUrl}");
        var (capsStatus, capsBody) = await Probe.GetAsync(c, "v1/capabilities", ct, timeout) ?? (HttpStatusCode.ServiceUnavailable, (JsonObject?)null);
        var ok = (int)healthStatus is >= 200 and < 300;
        if ((int)capsStatus is < 200 or >= 300) capsBody = null;
        if (s.Json)
            PrintJson(new JsonObject { ["base_url"] = c.BaseUrl, ["ok"] = ok, ["health"] = healthBody, ["capabilities"] = capsBody });
        else
        {
            AnsiConsole.MarkupLine($"Node {Esc(c.BaseUrl)}: {(ok ? "[green]healthy[/]" : $"[red]unhealthy (HTTP {(int)healthStatus})[/]")}");
            if (healthBody is JsonObject h)
                foreach (var (k, v) in h) AnsiConsole.MarkupLine($"  {Esc(k)}: {Esc(v?.ToJsonString())}");
            if (capsBody?["capabilities"] is JsonArray list)
                AnsiConsole.MarkupLine($"Capabilities: {Esc(string.Join(", ", list.Select(x => x?.ToString())))}");
            else if (capsBody is null)
                AnsiConsole.MarkupLine($"[yellow]Capabilities: HTTP {(int)capsStatus}[/]");
        }
        return ok ? 0 : ExitCodes.Server;
    }
}
