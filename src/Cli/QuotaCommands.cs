using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

/// <summary>Settings of the quota commands: the workspace named, else the context's (another than the key's own needs an admin key).</summary>
public class QuotaSettings : GlobalSettings
{
    [CommandOption("--org <ORG_ID>")]
    [Description("The organization (else the context's org_id)")]
    public string? Org { get; set; }

    [CommandOption("--workspace <WORKSPACE_ID>")]
    [Description("The workspace (else the context's workspace_id)")]
    public string? Workspace { get; set; }
}

public sealed class QuotaShowSettings : QuotaSettings
{
    [CommandOption("--window <WINDOW>")]
    [Description("day (default), week or month: the window the daily counts cover")]
    public string Window { get; set; } = "day";
}

/// <summary>axme quota show: each dimension's count against its limit, and the policy's enforcement.</summary>
public sealed class QuotaShowCommand : AxmeCommand<QuotaShowSettings>
{
    protected override async Task<int> RunAsync(QuotaShowSettings s, CancellationToken ct)
    {
        var connection = Connection.Resolve(s);
        using var client = connection.CreateClient();
        var (org, ws) = (s.Org ?? connection.OrgId, s.Workspace ?? connection.WorkspaceId);
        var policy = (await client.GetQuotaAsync(org, ws, ct)).QuotaPolicy;
        var summary = (await client.GetUsageSummaryAsync(s.Window, org, ws, ct)).Summary;
        if (s.Json)
        {
            PrintJson(new JsonObject { ["quota_policy"] = Raw(policy), ["usage_summary"] = Raw(summary) });
            return 0;
        }
        var enforced = policy.HardEnforcement && policy.OverageMode == "block" ? "[green]enforced[/]" : "[yellow]counted only[/]";
        AnsiConsole.MarkupLine($"Quotas of [bold]{Esc(policy.OrgId)}/{Esc(policy.WorkspaceId)}[/]: {enforced} ({Esc(policy.OverageMode)}, " +
                               $"warning at {policy.SoftThresholdPercent}%), {summary.WindowStart:yyyy-MM-dd} to {summary.WindowEnd:yyyy-MM-dd}");
        var t = new Table().Border(TableBorder.Rounded).AddColumns("dimension", "used", "limit", "remaining");
        foreach (var (name, value) in Raw(summary.Dimensions))
        {
            var used = value!["used"]!.GetValue<long>();
            var limit = value["limit"]!.GetValue<long>();
            var near = limit > 0 && used * 100 >= limit * policy.SoftThresholdPercent;
            t.AddRow(Esc(name), near ? $"[yellow]{N(used)}[/]" : N(used), N(limit), N(value["remaining"]!.GetValue<long>()));
        }
        AnsiConsole.Write(t);
        return 0;
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

public sealed class QuotaSetSettings : QuotaSettings
{
    [CommandArgument(0, "<dimension=limit...>")]
    [Description("Limits to set, e.g. intents_per_day=50000 open_human_tasks=200")]
    public string[] Limits { get; set; } = [];

    [CommandOption("--counting-only")]
    [Description("Count and warn but never refuse (hard_enforcement false)")]
    public bool CountingOnly { get; set; }

    [CommandOption("--enforce")]
    [Description("Refuse past a limit (hard_enforcement true, overage_mode block)")]
    public bool Enforce { get; set; }
}

/// <summary>axme quota set DIMENSION=LIMIT…: changes a workspace's limits (admin key).</summary>
public sealed class QuotaSetCommand : AxmeCommand<QuotaSetSettings>
{
    protected override async Task<int> RunAsync(QuotaSetSettings s, CancellationToken ct)
    {
        if (s.CountingOnly && s.Enforce) throw new CliException(ExitCodes.Usage, "--counting-only and --enforce exclude each other");
        var limits = new Dictionary<string, long>();
        foreach (var pair in s.Limits)
        {
            var eq = pair.IndexOf('=');
            if (eq < 1 || !long.TryParse(pair[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
                throw new CliException(ExitCodes.Usage, $"expected dimension=limit (a whole number), got {pair}");
            limits[pair[..eq]] = limit;
        }
        var connection = Connection.Resolve(s);
        using var client = connection.CreateClient();
        var policy = (await client.UpdateQuotaAsync(new QuotaPatchRequest
        {
            OrgId = s.Org ?? connection.OrgId, WorkspaceId = s.Workspace ?? connection.WorkspaceId, Dimensions = limits,
            HardEnforcement = s.CountingOnly ? false : s.Enforce ? true : null, OverageMode = s.Enforce ? "block" : null,
        }, ct)).QuotaPolicy;
        if (s.Json) { PrintJson(Raw(policy)); return 0; }
        AnsiConsole.MarkupLine($"Quotas of [bold]{Esc(policy.OrgId)}/{Esc(policy.WorkspaceId)}[/] set: " +
                               Esc(string.Join(", ", limits.Keys.Select(k => $"{k}={Raw(policy.Dimensions)[k]}"))));
        return 0;
    }
}
