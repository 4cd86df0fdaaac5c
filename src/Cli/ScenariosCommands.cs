using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

public sealed class FileSettings : GlobalSettings
{
    [CommandArgument(0, "<file>")]
    public string File { get; set; } = "";

    [CommandOption("--watch")]
    [Description("Follow the intent to its end (scenarios apply)")]
    public bool Watch { get; set; }

    [CommandOption("--server-side")]
    [Description("Do not provision agents here; let the node create them (scenarios apply)")]
    public bool ServerSide { get; set; }
}

public sealed class ScenariosValidateCommand : AxmeCommand<FileSettings>
{
    protected override async Task<int> RunAsync(FileSettings s, CancellationToken ct)
    {
        var bundle = ReadObjectFile(s.File);
        using var client = Connection.Resolve(s).CreateClient();
        JsonObject answer;
        try { answer = await client.ValidateScenarioAsync(bundle, ct); }
        catch (AxmeValidationException e) when (e.Body is not null && JsonNode.Parse(e.Body) is JsonObject body)
        {
            answer = body;
        }
        var valid = answer["valid"] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : answer["ok"]?.GetValue<bool>() == true && answer["error"] is null;
        if (s.Json) PrintJson(answer);
        else if (valid) AnsiConsole.MarkupLine($"[green]valid[/]: {Esc(s.File)}");
        else
        {
            Console.Error.WriteLine($"invalid: {s.File}");
            if (answer["errors"] is JsonArray errors)
                foreach (var e in errors) Console.Error.WriteLine($"  - {(e is JsonValue ? e.ToString() : e?.ToJsonString())}");
            else Console.Error.WriteLine(answer.ToJsonString(Indented));
        }
        return valid ? 0 : ExitCodes.Usage;
    }
}

/// <summary>
/// axme scenarios apply &lt;file&gt; [--watch] (PROTOCOL §8.6): header, client-side agent provisioning (§8.6.1;
/// skipped with --server-side), the assignments, POST /v1/scenarios/apply, then the watch or the follow-up commands.
/// The file's JSON is posted as it is (the Go CLI re-serialises it through its structs and drops fields).
/// </summary>
public sealed class ScenariosApplyCommand : AxmeCommand<FileSettings>
{
    /// <summary>What each delivery mode means, as the assignments show it.</summary>
    public static string DeliveryLabel(string mode) => mode switch
    {
        "stream" => "stream ← SSE listen()",
        "poll" => "poll ← periodic pull",
        "http" => "http ← the node pushes to callback_url",
        "inbox" => "inbox ← reply_to",
        "internal" => "internal ← built-in runtime",
        _ => mode,
    };

    protected override Task<int> RunAsync(FileSettings s, CancellationToken ct) => ApplyAsync(ReadObjectFile(s.File), s, s.Watch, s.ServerSide, ct);

    /// <summary>Applies a bundle as the command does (also the wizard's "apply now", scenarios create).</summary>
    public static async Task<int> ApplyAsync(JsonObject bundle, GlobalSettings s, bool watch, bool serverSide, CancellationToken ct)
    {
        var conn = Connection.Resolve(s);
        using var client = conn.CreateClient();
        var quiet = s.Json;
        void Say(string markup) { if (!quiet) AnsiConsole.MarkupLine(markup); }

        var scenarioId = Text(bundle["scenario_id"]);
        Say($"[bold]Scenario {Esc(scenarioId)}[/]{(Text(bundle["title"]) is { } title ? " — " + Esc(title) : "")}");
        if (Text(bundle["description"]) is { } description) Say($"[grey]{Esc(description)}[/]");

        var agents = (bundle["agents"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (!serverSide)
        {
            var specs = agents.Where(a => a["create_if_missing"] is JsonValue v && v.TryGetValue<bool>(out var b) && b && Text(a["address"]) is not null)
                .Select(a => new AgentSpec(Text(a["address"])!, Text(a["display_name"]), Text(a["delivery_mode"]))).ToList();
            foreach (var p in await new AgentProvisioner(conn, client).ProvisionAsync(specs, ct))
                AgentProvisioner.Report(p, quiet);
        }
        foreach (var a in agents)
        {
            var display = Text(a["display_name"]) is { } d ? $" ({Esc(d)})" : "";
            var mode = Text(a["delivery_mode"]) is { } m ? $"  [grey][[{Esc(DeliveryLabel(m))}]][/]" : "";
            Say($"Agent {Esc(Text(a["role"]))} → [bold]{Esc(Text(a["address"]))}[/]{display}{mode}");
        }
        foreach (var h in (bundle["humans"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var contact = Text(h["contact"]) is { } c ? $" <{Esc(c)}>" : "";
            Say($"Human {Esc(Text(h["role"]))} → [bold]{Esc(Text(h["display_name"]) ?? Text(h["role"]))}[/]{contact}");
        }

        var answer = await client.ApplyScenarioAsync(bundle, null, ct);
        var id = answer["intent_id"]?.ToString() ?? answer["intent"]?["intent_id"]?.ToString();
        if (s.Json && !watch) { PrintJson(answer); return 0; }
        if (id is null) throw new CliException(ExitCodes.Server, "apply returned no intent_id: " + answer.ToJsonString());
        Say($"Intent submitted: [bold]{Esc(id)}[/]");
        if (Text(answer["compile_id"]) is { } compileId) Say($"Workflow compile_id: {Esc(compileId)}");
        Say("— → SUBMITTED");
        if (!watch)
        {
            Say($"[grey]Track with:  axme intents watch {Esc(id)}  ·  axme intents get {Esc(id)}  ·  axme intents log {Esc(id)}[/]");
            return 0;
        }
        var code = await WatchAsync(client, id, s.Json, ct);
        Say($"[grey]Audit log:  axme intents get {Esc(id)}  ·  axme intents log {Esc(id)}[/]");
        return code;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var t) && t.Length > 0 ? t : null;
}
