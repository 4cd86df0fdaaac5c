using System.ComponentModel;
using System.Globalization;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

public sealed class DeliveriesListSettings : GlobalSettings
{
    [CommandOption("--status <STATUS>")]
    [Description("submitted, pending, delivered, failed or dead_lettered")]
    public string? Status { get; set; }

    [CommandOption("--principal <ID>")]
    [Description("Only this principal's (its service account id)")]
    public string? Principal { get; set; }

    [CommandOption("--limit <N>")]
    [Description("At most this many (default 50)")]
    public int Limit { get; set; } = 50;
}

/// <summary>axme deliveries list [--status dead_lettered]: the workspace's deliveries, newest first.</summary>
public sealed class DeliveriesListCommand : AxmeCommand<DeliveriesListSettings>
{
    protected override async Task<int> RunAsync(DeliveriesListSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var list = await client.ListDeliveriesAsync(s.Status, s.Principal, s.Limit, ct: ct);
        if (s.Json) { PrintJson(Raw(list)); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("delivery", "status", "principal", "transport", "attempts", "updated", "error");
        foreach (var d in list.Deliveries)
            t.AddRow(Esc(d.DeliveryId), Status(d.Status), Esc(d.Alias ?? d.PrincipalId), d.TransportType, $"{d.DeliveryAttempts}",
                Esc(d.UpdatedAt.ToString("u", CultureInfo.InvariantCulture)), Esc(d.ErrorDetail ?? ""));
        AnsiConsole.Write(t);
        if (list.NextCursor is not null) AnsiConsole.MarkupLine("[grey]more: --json shows next_cursor[/]");
        return 0;
    }

    internal static string Status(string status) => status switch
    {
        "delivered" => "[green]delivered[/]",
        "dead_lettered" or "failed" => $"[red]{status}[/]",
        _ => $"[yellow]{status}[/]",
    };
}

public sealed class DeliveryIdSettings : GlobalSettings
{
    [CommandArgument(0, "<delivery_id>")]
    [Description("The delivery (dlv_…)")]
    public string Id { get; set; } = "";
}

/// <summary>axme deliveries get &lt;id&gt;: a delivery with every attempt.</summary>
public sealed class DeliveriesGetCommand : AxmeCommand<DeliveryIdSettings>
{
    protected override async Task<int> RunAsync(DeliveryIdSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var d = (await client.GetDeliveryAsync(s.Id, ct)).Delivery;
        if (s.Json) { PrintJson(Raw(d)); return 0; }
        AnsiConsole.MarkupLine($"[bold]{Esc(d.DeliveryId)}[/] {DeliveriesListCommand.Status(d.Status)} → {Esc(d.Alias ?? d.PrincipalId)} ({d.TransportType}), intent {Esc(d.IntentId)} {Esc(d.IntentStatus)}");
        if (d.ReplayOfDeliveryId is not null) AnsiConsole.MarkupLine($"replays {Esc(d.ReplayOfDeliveryId)}");
        if (d.ErrorDetail is not null) AnsiConsole.MarkupLine($"[red]{Esc(d.ErrorDetail)}[/]");
        var t = new Table().Border(TableBorder.Rounded).AddColumns("#", "at", "target", "status", "error");
        foreach (var a in d.Attempts ?? [])
            t.AddRow($"{a.Attempt}", Esc(a.At.ToString("u", CultureInfo.InvariantCulture)), Esc(a.Target), a.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "—", Esc(a.Error ?? ""));
        AnsiConsole.Write(t);
        return 0;
    }
}

/// <summary>axme deliveries replay &lt;id&gt;: the payload delivered again to its principal, as a new delivery.</summary>
public sealed class DeliveriesReplayCommand : AxmeCommand<DeliveryIdSettings>
{
    protected override async Task<int> RunAsync(DeliveryIdSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var d = (await client.ReplayDeliveryAsync(s.Id, ct: ct)).Delivery;
        if (s.Json) PrintJson(Raw(d));
        else AnsiConsole.MarkupLine($"[green]replayed[/] {Esc(s.Id)} as [bold]{Esc(d.DeliveryId)}[/] ({DeliveriesListCommand.Status(d.Status)}, intent {Esc(d.IntentId)})");
        return 0;
    }
}
