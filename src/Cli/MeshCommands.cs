using System.ComponentModel;
using System.Globalization;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

public sealed class MeshAgentsSettings : GlobalSettings
{
    [CommandOption("--health <STATUS>")]
    [Description("Only agents with this health: healthy, degraded, unreachable, killed, unknown")]
    public string? Health { get; set; }

    [CommandOption("--window <WINDOW>")]
    [Description("Period of the intents and cost columns: day (default), week, month")]
    public string Window { get; set; } = "day";
}

/// <summary>axme mesh agents: the workspace's agents with their health, last heartbeat and work.</summary>
public sealed class MeshAgentsCommand : AxmeCommand<MeshAgentsSettings>
{
    protected override async Task<int> RunAsync(MeshAgentsSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var list = await client.ListMeshAgentsAsync(s.Health, s.Window, ct: ct);
        if (s.Json) { PrintJson(Raw(list)); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("agent", "health", "last heartbeat", "in flight", "queued", $"intents ({list.Window})", "failure rate", "version");
        foreach (var a in list.Agents)
            t.AddRow(Esc(a.Address), Health(a.HealthStatus), Esc(a.LastHeartbeatAt?.ToString("u", CultureInfo.InvariantCulture) ?? "never"), $"{a.InFlight}", $"{a.Queued}",
                $"{a.IntentsPeriod}", a.FailureRate is { } f ? f.ToString("P0", CultureInfo.InvariantCulture) : "—", Esc(a.Version ?? "—"));
        AnsiConsole.Write(t);
        var m = list.Summary;
        AnsiConsole.MarkupLine($"{m.Total} agents: {m.Healthy} healthy, {m.Degraded} degraded, {m.Unreachable} unreachable, {m.Killed} killed, {m.Unknown} never seen");
        return 0;
    }

    private static string Health(string status) => status switch
    {
        "healthy" => "[green]healthy[/]",
        "degraded" => "[yellow]degraded[/]",
        "unreachable" or "killed" => $"[red]{status}[/]",
        _ => $"[grey]{status}[/]",
    };
}

public sealed class MeshKillSettings : GlobalSettings
{
    [CommandArgument(0, "<agent>")]
    [Description("The agent: its service account id, name or address")]
    public string Agent { get; set; } = "";

    [CommandOption("--reason <TEXT>")]
    [Description("Why (kept in the mesh log)")]
    public string? Reason { get; set; }
}

/// <summary>axme mesh kill &lt;agent&gt; [--reason TEXT]: stops every delivery to the agent at once.</summary>
public sealed class MeshKillCommand : AxmeCommand<MeshKillSettings>
{
    protected override async Task<int> RunAsync(MeshKillSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var r = await client.KillAgentAsync(s.Agent, s.Reason, ct);
        if (s.Json) PrintJson(Raw(r));
        else AnsiConsole.MarkupLine($"[red]killed[/] {Esc(r.Agent.Address)}: nothing is delivered to it ({r.Agent.Queued} waiting) until [bold]axme mesh resume {Esc(s.Agent)}[/]");
        return 0;
    }
}

/// <summary>axme mesh resume &lt;agent&gt;: resumes a killed agent.</summary>
public sealed class MeshResumeCommand : AxmeCommand<MeshKillSettings>
{
    protected override async Task<int> RunAsync(MeshKillSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var r = await client.ResumeAgentAsync(s.Agent, ct);
        if (s.Json) PrintJson(Raw(r));
        else AnsiConsole.MarkupLine($"[green]resumed[/] {Esc(r.Agent.Address)} ({Esc(r.Agent.HealthStatus)})");
        return 0;
    }
}

public sealed class MeshEventsSettings : GlobalSettings
{
    [CommandOption("--type <EVENT_TYPE>")]
    [Description("agent.killed, agent.resumed or agent.online")]
    public string? Type { get; set; }

    [CommandOption("--limit <N>")]
    public int Limit { get; set; } = 50;
}

/// <summary>axme mesh events [--type T] [--limit N]: the mesh log, newest first.</summary>
public sealed class MeshEventsCommand : AxmeCommand<MeshEventsSettings>
{
    protected override async Task<int> RunAsync(MeshEventsSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var list = await client.ListMeshEventsAsync(s.Type, s.Limit, ct);
        if (s.Json) { PrintJson(Raw(list)); return 0; }
        foreach (var e in list.Events)
            AnsiConsole.MarkupLine($"{Esc(e.CreatedAt.ToString("u", CultureInfo.InvariantCulture))}  [bold]{Esc(e.EventType)}[/]  {Esc(e.Address)}"
                + (e.ActorId is null ? "" : $"  by {Esc(e.ActorId)}") + (e.Details is { Count: > 0 } d ? $"  {Esc(d.ToJsonString())}" : ""));
        return 0;
    }
}

public sealed class MeshDashboardSettings : GlobalSettings
{
    [CommandOption("--no-browser")]
    [Description("Print the link instead of opening a browser")]
    public bool NoBrowser { get; set; }
}

/// <summary>axme mesh dashboard [--no-browser]: opens the node's mesh page, signed in by a one-time link (valid 5 minutes).</summary>
public sealed class MeshDashboardCommand : AxmeCommand<MeshDashboardSettings>
{
    protected override async Task<int> RunAsync(MeshDashboardSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var link = await client.CreateDashboardTokenAsync(ct);
        if (s.Json)
        {
            PrintJson(new System.Text.Json.Nodes.JsonObject { ["ok"] = true, ["exchange_url"] = link.ExchangeUrl, ["expires_in"] = link.ExpiresIn });
            return 0;
        }
        if (!s.NoBrowser && Browser.TryOpen(link.ExchangeUrl))
        {
            Console.Error.WriteLine("Opening the mesh in your browser…");
            return 0;
        }
        Console.Error.WriteLine($"Open this link in your browser (it works once, for {link.ExpiresIn / 60} minutes):");
        Console.Out.WriteLine(link.ExchangeUrl);
        return 0;
    }
}
