using System.ComponentModel;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

public sealed class ContextSetSettings : GlobalSettings
{
    [CommandArgument(0, "[name]")]
    [Description("Context name (default: the current one)")]
    public string? Name { get; set; }

    [CommandOption("--org-id <ORG>")]
    public string? OrgId { get; set; }

    [CommandOption("--workspace-id <WS>")]
    public string? WorkspaceId { get; set; }
}

/// <summary>axme context set [name] / axme login: stores base URL, key, org and workspace in the config file.</summary>
public sealed class ContextSetCommand : AxmeCommand<ContextSetSettings>
{
    protected override Task<int> RunAsync(ContextSetSettings s, CancellationToken ct)
    {
        var config = CliConfig.Load();
        var name = s.Name ?? config.CurrentContext;
        if (!config.Contexts.TryGetValue(name, out var c)) config.Contexts[name] = c = new CliContext();
        if (s.BaseUrl is not null) c.BaseUrl = s.BaseUrl;
        if (s.ApiKey is not null) c.ApiKey = s.ApiKey;
        if (s.OrgId is not null) c.OrgId = s.OrgId;
        if (s.WorkspaceId is not null) c.WorkspaceId = s.WorkspaceId;
        config.CurrentContext = name;
        config.Save();
        if (s.Json) PrintJson(new JsonObject { ["context"] = name, ["path"] = CliConfig.FilePath });
        else AnsiConsole.MarkupLine($"Context [bold]{Esc(name)}[/] saved to {Esc(CliConfig.FilePath)}");
        return Task.FromResult(0);
    }
}

/// <summary>axme context show: the effective connection (key masked).</summary>
public sealed class ContextShowCommand : AxmeCommand<GlobalSettings>
{
    protected override Task<int> RunAsync(GlobalSettings s, CancellationToken ct)
    {
        var config = CliConfig.Load();
        var c = Connection.Resolve(s);
        var key = c.ApiKey is null ? null : c.ApiKey.Length <= 8 ? "****" : c.ApiKey[..4] + "..." + c.ApiKey[^4..];
        var o = new JsonObject
        {
            ["context"] = config.CurrentContext, ["base_url"] = c.BaseUrl, ["api_key"] = key,
            ["org_id"] = c.OrgId, ["workspace_id"] = c.WorkspaceId, ["config_file"] = CliConfig.FilePath,
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
        using var http = new HttpClient { BaseAddress = new Uri(c.BaseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(15) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (c.ApiKey is not null) http.DefaultRequestHeaders.TryAddWithoutValidation("x-api-key", c.ApiKey);
        using var health = await http.GetAsync("health", ct);
        var healthBody = JsonNode.Parse(await health.Content.ReadAsStringAsync(ct));
        using var caps = await http.GetAsync("v1/capabilities", ct);
        var capsBody = caps.IsSuccessStatusCode ? JsonNode.Parse(await caps.Content.ReadAsStringAsync(ct)) : null;
        var ok = health.IsSuccessStatusCode;
        if (s.Json)
            PrintJson(new JsonObject { ["base_url"] = c.BaseUrl, ["ok"] = ok, ["health"] = healthBody, ["capabilities"] = capsBody });
        else
        {
            AnsiConsole.MarkupLine($"Node {Esc(c.BaseUrl)}: {(ok ? "[green]healthy[/]" : $"[red]unhealthy (HTTP {(int)health.StatusCode})[/]")}");
            if (healthBody is JsonObject h)
                foreach (var (k, v) in h) AnsiConsole.MarkupLine($"  {Esc(k)}: {Esc(v?.ToJsonString())}");
            if (capsBody?["capabilities"] is JsonArray list)
                AnsiConsole.MarkupLine($"Capabilities: {Esc(string.Join(", ", list.Select(x => x?.ToString())))}");
            else if (!caps.IsSuccessStatusCode)
                AnsiConsole.MarkupLine($"[yellow]Capabilities: HTTP {(int)caps.StatusCode}[/]");
        }
        return ok ? 0 : ExitCodes.Server;
    }
}
