using System.ComponentModel;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

public sealed class IdSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    public string Id { get; set; } = "";
}

public sealed class SendSettings : GlobalSettings
{
    [CommandArgument(0, "<to_agent>")]
    [Description("Recipient, e.g. agent://org/ws/name")]
    public string ToAgent { get; set; } = "";

    [CommandOption("--type <TYPE>")]
    [Description("intent_type (default intent.ask.v1)")]
    public string? Type { get; set; }

    [CommandOption("--payload <JSON>")]
    public string? Payload { get; set; }

    [CommandOption("--correlation-id <ID>")]
    public string? CorrelationId { get; set; }
}

public sealed class IntentsSendCommand : AxmeCommand<SendSettings>
{
    protected override async Task<int> RunAsync(SendSettings s, CancellationToken ct)
    {
        var payload = s.Payload is null ? null : ParseObject(s.Payload, "--payload");
        using var client = Connection.Resolve(s).CreateClient();
        var intent = await client.SendIntentAsync(s.ToAgent, payload,
            new SendIntentOptions { IntentType = s.Type, CorrelationId = s.CorrelationId ?? Guid.NewGuid().ToString() }, ct);
        if (s.Json) PrintJson(intent.Raw);
        else
        {
            AnsiConsole.MarkupLine($"Intent submitted: [bold]{Esc(intent.Id)}[/] {StatusMarkup(intent.Status)}");
            AnsiConsole.MarkupLine($"[grey]axme intents watch {Esc(intent.Id)}[/]");
        }
        return 0;
    }
}

public sealed class IntentsGetCommand : AxmeCommand<IdSettings>
{
    protected override async Task<int> RunAsync(IdSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var intent = await client.GetIntentAsync(s.Id, ct);
        if (s.Json) PrintJson(intent.Raw);
        else PrintIntent(intent);
        return 0;
    }
}

public sealed class ListSettings : GlobalSettings
{
    [CommandOption("--status <STATUS>")]
    public string? Status { get; set; }

    [CommandOption("--to <AGENT>")]
    public string? To { get; set; }

    [CommandOption("--limit <N>")]
    [DefaultValue(50)]
    public int Limit { get; set; } = 50;
}

public sealed class IntentsListCommand : AxmeCommand<ListSettings>
{
    protected override async Task<int> RunAsync(ListSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var page = await client.ListIntentsAsync(new IntentListFilter
        {
            Statuses = s.Status is null ? null : [s.Status], ToAgent = s.To, Limit = s.Limit,
        }, ct);
        if (s.Json) { PrintJson(page.Raw); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("intent_id", "status", "type", "to_agent", "created_at");
        foreach (var i in page.Intents)
            t.AddRow(Esc(i.Id), StatusMarkup(i.Status), Esc(i.IntentType), Esc(i.ToAgent), Esc(i.CreatedAt?.ToString("u")));
        AnsiConsole.Write(t);
        if (page.HasMore) AnsiConsole.MarkupLine("[grey]more available (raise --limit)[/]");
        return 0;
    }
}

public sealed class IntentsWatchCommand : AxmeCommand<IdSettings>
{
    protected override async Task<int> RunAsync(IdSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        return await WatchAsync(client, s.Id, s.Json, ct);
    }
}

public sealed class CancelSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    public string Id { get; set; } = "";

    [CommandOption("--reason <TEXT>")]
    public string? Reason { get; set; }
}

public sealed class IntentsCancelCommand : AxmeCommand<CancelSettings>
{
    protected override async Task<int> RunAsync(CancelSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var r = await client.ResolveIntentAsync(s.Id, IntentStatuses.Canceled, reason: s.Reason ?? "canceled from the CLI", ct: ct);
        if (s.Json) PrintJson(r.Raw);
        else AnsiConsole.MarkupLine(r.Applied ? $"Canceled [bold]{Esc(s.Id)}[/]" : $"[yellow]Not applied[/]: {Esc(r.Reason)}");
        return 0;
    }
}

public sealed class IntentsLogCommand : AxmeCommand<IdSettings>
{
    protected override async Task<int> RunAsync(IdSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var intent = await client.GetIntentAsync(s.Id, ct);
        var events = await client.ListIntentEventsAsync(s.Id, 0, ct);
        if (s.Json)
        {
            PrintJson(new JsonObject { ["intent"] = intent.Raw.DeepClone(), ["events"] = new JsonArray(events.Select(e => (JsonNode)e.Raw.DeepClone()).ToArray()) });
            return 0;
        }
        AnsiConsole.MarkupLine($"Intent [bold]{Esc(intent.Id)}[/] {StatusMarkup(intent.Status)} ({Esc(intent.IntentType)})");
        var t = new Table().Border(TableBorder.Rounded).AddColumns("seq", "at", "event", "status", "waiting_reason", "actor");
        foreach (var e in events)
            t.AddRow(e.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), Esc(e.At?.ToString("u")), Esc(e.EventType), StatusMarkup(e.Status), Esc(e.WaitingReason), Esc(e.Actor));
        AnsiConsole.Write(t);
        return 0;
    }
}
