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
        if (s.Json) PrintJson(Raw(intent));
        else
        {
            AnsiConsole.MarkupLine($"Intent submitted: [bold]{Esc(intent.IntentId)}[/] {StatusMarkup(intent.Status)}");
            AnsiConsole.MarkupLine($"[grey]axme intents watch {Esc(intent.IntentId)}[/]");
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
        if (s.Json) PrintJson(Raw(intent));
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
        if (s.Json) { PrintJson(Raw(page)); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("intent_id", "status", "type", "to_agent", "created_at");
        foreach (var i in page.Intents)
            t.AddRow(Esc(i.IntentId), StatusMarkup(i.Status), Esc(i.IntentType), Esc(i.ToAgent), Esc(i.CreatedAt.ToString("u")));
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
        var r = await client.ResolveIntentAsync(s.Id, IntentStatus.Canceled, reason: s.Reason ?? "canceled from the CLI", ct: ct);
        if (s.Json) PrintJson(Raw(r));
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
            PrintJson(new JsonObject { ["intent"] = Raw(intent).DeepClone(), ["events"] = new JsonArray(events.Select(e => (JsonNode)Raw(e).DeepClone()).ToArray()) });
            return 0;
        }
        AnsiConsole.MarkupLine($"Intent [bold]{Esc(intent.IntentId)}[/] {StatusMarkup(intent.Status)} ({Esc(intent.IntentType)})");
        var t = new Table().Border(TableBorder.Rounded).AddColumns("seq", "at", "event", "status", "waiting_reason", "actor");
        foreach (var e in events)
            t.AddRow(e.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), Esc(e.At.ToString("u")), Esc(e.EventType), StatusMarkup(e.Status), Esc(e.WaitingReason), Esc(e.Actor));
        AnsiConsole.Write(t);
        return 0;
    }
}

/// <summary>
/// axme intents retry|resume: GET the intent, check its status, then POST /v1/intents again with the same
/// intent_type, to_agent, payload and reply_to (from_agent too, though the node takes the sender from the key)
/// and a new correlation_id (PROTOCOL §11.1). A human task or built-in step is carried over so the new intent
/// waits for the same people or runs the same step; the old intent is left as it is.
/// </summary>
public abstract class RecreateIntentCommand : AxmeCommand<IdSettings>
{
    /// <summary>What the command is called (retry or resume).</summary>
    protected abstract string Verb { get; }

    /// <summary>The statuses it accepts.</summary>
    protected abstract IReadOnlyList<string> From { get; }

    protected override async Task<int> RunAsync(IdSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var old = await client.GetIntentAsync(s.Id, ct);
        if (!From.Contains(old.Status))
            throw new CliException(ExitCodes.Conflict,
                $"intent {old.IntentId} is {old.Status}; {Verb} needs {string.Join(" or ", From)}" + (old.Status == IntentStatus.Completed ? " (it already completed)" : ""));
        if (string.IsNullOrEmpty(old.ToAgent)) throw new CliException(ExitCodes.Usage, $"intent {old.IntentId} has no to_agent to send it to again");

        var extra = new JsonObject();
        if (old.FromAgent is not null) extra["from_agent"] = old.FromAgent;
        if (old.HumanTask?.DeepClone() is JsonObject task)
        {
            task.Remove("approval_id"); // the node gives every task its own
            extra["human_task"] = task;
        }
        if (Raw(old)["runtime_type"] is JsonValue runtime) extra["runtime_type"] = runtime.DeepClone();
        if (Raw(old)["runtime_config"] is JsonObject config) extra["runtime_config"] = config.DeepClone();
        var created = await client.SendIntentAsync(old.ToAgent, old.Payload as JsonObject ?? [], new SendIntentOptions
        {
            IntentType = old.IntentType,
            CorrelationId = Guid.NewGuid().ToString(),
            ReplyTo = old.ReplyTo,
            Extra = extra,
        }, ct);
        if (s.Json)
        {
            var body = Raw(created).DeepClone().AsObject();
            body["source_intent_id"] = old.IntentId;
            PrintJson(body);
            return 0;
        }
        AnsiConsole.MarkupLine($"{(Verb == "retry" ? "Retried" : "Resumed")} [bold]{Esc(old.IntentId)}[/] ({StatusMarkup(old.Status)}) as new intent [bold]{Esc(created.IntentId)}[/] {StatusMarkup(created.Status)}");
        if (!old.IsTerminal) AnsiConsole.MarkupLine($"[grey]the original stays {Esc(old.Status)}; cancel it with: axme intents cancel {Esc(old.IntentId)}[/]");
        AnsiConsole.MarkupLine($"[grey]axme intents watch {Esc(created.IntentId)}[/]");
        return 0;
    }
}

public sealed class IntentsRetryCommand : RecreateIntentCommand
{
    protected override string Verb => "retry";
    // TIMED_OUT too: §11.1 names FAILED and CANCELED (the official CLI predates TIMED_OUT), and a timed-out intent is as retryable.
    protected override IReadOnlyList<string> From => [IntentStatus.Failed, IntentStatus.Canceled, IntentStatus.TimedOut];
}

public sealed class IntentsResumeCommand : RecreateIntentCommand
{
    protected override string Verb => "resume";
    protected override IReadOnlyList<string> From => [IntentStatus.Waiting, IntentStatus.Failed];
}

public sealed class CleanupSettings : GlobalSettings
{
    [CommandOption("--older-than <HOURS>")]
    [Description("Only intents not updated for this many hours (default 24; fractions allowed)")]
    [DefaultValue(24.0)]
    public double OlderThan { get; set; } = 24;

    [CommandOption("--dry-run [BOOL]")]
    [Description("Only list what would be canceled (default true; --dry-run=false cancels)")]
    public FlagValue<bool>? DryRun { get; set; }

    [CommandOption("--status <STATUS>")]
    [Description("Non-terminal statuses to consider (repeatable or comma-separated; default all non-terminal)")]
    public string[] Status { get; set; } = [];

    [CommandOption("--limit <N>")]
    [DefaultValue(500)]
    public int Limit { get; set; } = 500;

    [CommandOption("--reason <TEXT>")]
    [DefaultValue("zombie cleanup via CLI")]
    public string Reason { get; set; } = "zombie cleanup via CLI";
}

/// <summary>axme intents cleanup: POST /v1/intents/bulk-cancel (PROTOCOL §5.11); a dry run unless --dry-run=false.</summary>
public sealed class IntentsCleanupCommand : AxmeCommand<CleanupSettings>
{
    protected override async Task<int> RunAsync(CleanupSettings s, CancellationToken ct)
    {
        if (s.OlderThan < 0) throw new CliException(ExitCodes.Usage, "--older-than must be 0 or more");
        if (s.Limit < 1) throw new CliException(ExitCodes.Usage, "--limit must be at least 1");
        var dryRun = s.DryRun is not { IsSet: true } flag || flag.Value;
        var statuses = s.Status.SelectMany(x => x.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        using var client = Connection.Resolve(s).CreateClient();
        var r = await client.BulkCancelIntentsAsync(new BulkCancelOptions
        {
            OlderThanHours = s.OlderThan, DryRun = dryRun, Statuses = statuses, Limit = s.Limit, Reason = s.Reason,
        }, ct);
        if (s.Json) { PrintJson(Raw(r)); return 0; }
        var inactive = $"inactive for {s.OlderThan.ToString(System.Globalization.CultureInfo.InvariantCulture)} h";
        if (dryRun) AnsiConsole.MarkupLine($"[yellow]Dry run[/]: would cancel [bold]{r.WouldCancel ?? 0}[/] intent(s) {Esc(inactive)}");
        else AnsiConsole.MarkupLine($"Canceled [bold]{r.Canceled ?? 0}[/] intent(s) {Esc(inactive)}");
        foreach (var id in r.IntentIds) AnsiConsole.MarkupLine($"  {Esc(id)}");
        if (dryRun && r.WouldCancel > 0) AnsiConsole.MarkupLine("[grey]run again with --dry-run=false to cancel them[/]");
        return 0;
    }
}
