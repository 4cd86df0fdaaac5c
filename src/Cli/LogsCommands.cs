using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

public sealed class LogsSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    public string Id { get; set; } = "";

    [CommandOption("--tail <N>")]
    [Description("Only the last N lines (0: all)")]
    [DefaultValue(50)]
    public int Tail { get; set; } = 50;

    [CommandOption("--level <LEVEL>")]
    [Description("Only lines of this level: info, warn or error")]
    public string? Level { get; set; }

    [CommandOption("--step <TEXT>")]
    [Description("Only events whose event_type contains TEXT")]
    public string? Step { get; set; }

    [CommandOption("--since <TIME>")]
    [Description("Only events at or after TIME: RFC 3339, or a duration ago (30s, 10m, 2h, 1d)")]
    public string? Since { get; set; }
}

/// <summary>
/// axme logs &lt;id&gt;: the intent's events (GET /v1/intents/{id}/events) as log lines with a level: FAILED and
/// TIMED_OUT are errors, WAITING and CANCELED warnings, the rest info (PROTOCOL §11.1).
/// </summary>
public sealed class LogsCommand : AxmeCommand<LogsSettings>
{
    private static readonly string[] Levels = ["info", "warn", "error"];

    protected override async Task<int> RunAsync(LogsSettings s, CancellationToken ct)
    {
        var level = s.Level?.Trim().ToLowerInvariant();
        if (level is not null && !Levels.Contains(level)) throw new CliException(ExitCodes.Usage, "--level must be info, warn or error");
        if (s.Tail < 0) throw new CliException(ExitCodes.Usage, "--tail must be 0 or more");
        var since = s.Since is null ? (DateTimeOffset?)null : ParseSince(s.Since, DateTimeOffset.UtcNow);
        using var client = Connection.Resolve(s).CreateClient();
        var events = await client.ListIntentEventsAsync(s.Id, 0, ct);
        var rows = events
            .Select(e => (Event: e, Level: LevelOf(e.Status)))
            .Where(x => level is null || x.Level == level)
            .Where(x => s.Step is null || x.Event.EventType.Contains(s.Step, StringComparison.OrdinalIgnoreCase))
            .Where(x => since is null || x.Event.At >= since)
            .ToList();
        if (s.Tail > 0 && rows.Count > s.Tail) rows = rows[^s.Tail..];
        if (s.Json)
        {
            PrintJson(new JsonArray([.. rows.Select(x => (JsonNode)new JsonObject
            {
                ["seq"] = x.Event.Seq, ["at"] = WireTime.Format(x.Event.At), ["level"] = x.Level, ["status"] = x.Event.Status,
                ["event_type"] = x.Event.EventType, ["waiting_reason"] = x.Event.WaitingReason, ["actor"] = x.Event.Actor,
            })]));
            return 0;
        }
        // Log lines rather than a table: they stay greppable and wrap cleanly in a narrow terminal.
        foreach (var (e, l) in rows)
        {
            var reason = e.WaitingReason is null ? "" : $" ({e.WaitingReason})";
            var actor = e.Actor is null ? "" : $" by {e.Actor}";
            AnsiConsole.MarkupLine($"[grey]{Esc(e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))}[/] {LevelMarkup(l)} [grey]#{e.Seq}[/] {Esc(e.EventType)} {StatusMarkup(e.Status)}{Esc(reason)}[grey]{Esc(actor)}[/]");
        }
        if (rows.Count == 0) AnsiConsole.MarkupLine("[grey]no matching events[/]");
        return 0;
    }

    public static string LevelOf(string? status) => status?.ToUpperInvariant() switch
    {
        "FAILED" or "TIMED_OUT" => "error",
        { } x when x.StartsWith("WAITING", StringComparison.Ordinal) || x == "CANCELED" => "warn",
        _ => "info",
    };

    private static string LevelMarkup(string level) => level switch
    {
        "error" => "[red]ERROR[/]",
        "warn" => "[yellow]WARN [/]",
        _ => "[grey]INFO [/]",
    };

    /// <summary>An RFC 3339 time, or a duration ago: 90s, 10m, 2h, 1d (or a TimeSpan such as 01:30:00).</summary>
    public static DateTimeOffset ParseSince(string text, DateTimeOffset now)
    {
        text = text.Trim();
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
        {
            TimeSpan? ago = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(n), 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), 'd' => TimeSpan.FromDays(n), _ => null,
            };
            if (ago is { } a) return now - a;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero) return now - span;
        throw new CliException(ExitCodes.Usage, $"--since must be an RFC 3339 time or a duration like 10m: {text}");
    }
}

/// <summary>
/// axme trace &lt;id&gt;: GET the intent and its events; prints the timeline with the time between steps, where
/// the intent waits (intent.lifecycle_waiting_reason, else the last event's waiting_reason) and what to do next.
/// </summary>
public sealed class TraceCommand : AxmeCommand<IdSettings>
{
    protected override async Task<int> RunAsync(IdSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var intent = await client.GetIntentAsync(s.Id, ct);
        var events = await client.ListIntentEventsAsync(s.Id, 0, ct);
        var last = events.Count > 0 ? events[^1] : null;
        var waiting = Raw(intent)["lifecycle_waiting_reason"]?.ToString() is { Length: > 0 } w ? w : last?.WaitingReason ?? "";
        var next = NextAction(intent.Status, waiting, intent.IntentId);
        var first = events.FirstOrDefault()?.At;
        if (s.Json)
        {
            var timeline = new JsonArray();
            DateTimeOffset? previous = null;
            foreach (var e in events)
            {
                timeline.Add(new JsonObject
                {
                    ["seq"] = e.Seq, ["at"] = WireTime.Format(e.At), ["event_type"] = e.EventType, ["status"] = e.Status,
                    ["waiting_reason"] = e.WaitingReason, ["actor"] = e.Actor,
                    ["since_previous_ms"] = previous is { } p ? (long)(e.At - p).TotalMilliseconds : null,
                });
                previous = e.At;
            }
            PrintJson(new JsonObject
            {
                ["intent_id"] = intent.IntentId, ["status"] = intent.Status, ["intent_type"] = intent.IntentType, ["to_agent"] = intent.ToAgent,
                ["waiting_reason"] = waiting, ["pending_with"] = intent.PendingWith is { } holder ? AxpJson.Node(holder) : null, ["last_event"] = last is null ? null : Raw(last),
                ["next_action"] = next, ["events_count"] = events.Count,
                ["elapsed_ms"] = first is { } f && last is not null ? (long)(last.At - f).TotalMilliseconds : null,
                ["timeline"] = timeline,
            });
            return 0;
        }
        AnsiConsole.MarkupLine($"Intent [bold]{Esc(intent.IntentId)}[/] {StatusMarkup(intent.Status)} [grey]{Esc(intent.IntentType)} → {Esc(intent.ToAgent)}[/]");
        DateTimeOffset? prev = null;
        foreach (var e in events)
        {
            var delta = prev is { } p ? $"+{Duration(e.At - p)}" : "";
            AnsiConsole.MarkupLine($"  [grey]#{e.Seq,-3} {Esc(e.At.ToLocalTime().ToString("HH:mm:ss.fff"))} {Esc(delta),9}[/]  {Esc(e.EventType),-28} {StatusMarkup(e.Status)}{Esc(e.WaitingReason is null ? "" : $" ({e.WaitingReason})")}");
            prev = e.At;
        }
        if (first is { } start && last is not null) AnsiConsole.MarkupLine($"[grey]{events.Count} events over {Esc(Duration(last.At - start))}[/]");
        if (waiting.Length > 0)
        {
            var holder = intent.PendingWith?.Name ?? intent.PendingWith?.Ref;
            AnsiConsole.MarkupLine($"Waiting: [yellow]{Esc(waiting)}[/]{(holder is null ? "" : $" with {Esc(holder)}")}");
        }
        AnsiConsole.MarkupLine($"Next: {Esc(next)}");
        return 0;
    }

    /// <summary>The advice of the official CLI, by waiting reason first, then by status.</summary>
    public static string NextAction(string status, string waitingReason, string id) =>
        waitingReason switch
        {
            _ when waitingReason.Contains("HUMAN", StringComparison.Ordinal) => $"await the human decision (axme tasks list; axme tasks approve {id}), or re-create it with axme intents resume {id}",
            _ when waitingReason.Contains("TOOL", StringComparison.Ordinal) => $"inspect the downstream tool, then axme intents retry {id} once it is fixed",
            _ when waitingReason.Contains("AGENT", StringComparison.Ordinal) => "check that the receiving agent is registered and listening (axme agents listen <address>)",
            _ when waitingReason.Contains("TIME", StringComparison.Ordinal) => $"time-gated wait; keep watching: axme intents watch {id}",
            _ => status switch
            {
                IntentStatus.Failed or IntentStatus.TimedOut => $"axme intents retry {id}",
                IntentStatus.Canceled => $"axme intents retry {id} to run it again",
                IntentStatus.Completed => "no action required",
                _ => $"monitor with axme intents watch {id}",
            },
        };

    private static string Duration(TimeSpan d) =>
        d.TotalSeconds < 1 ? $"{d.TotalMilliseconds:0}ms"
        : d.TotalMinutes < 1 ? $"{d.TotalSeconds:0.0}s"
        : d.TotalHours < 1 ? $"{(int)d.TotalMinutes}m{d.Seconds:00}s"
        : $"{(int)d.TotalHours}h{d.Minutes:00}m";
}
