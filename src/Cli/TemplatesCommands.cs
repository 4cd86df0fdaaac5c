using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

/// <summary>axme scenarios list-templates (PROTOCOL §8.5): the node's workflow templates.</summary>
public sealed class ScenariosListTemplatesCommand : AxmeCommand<GlobalSettings>
{
    protected override async Task<int> RunAsync(GlobalSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var list = await client.ListMacrosAsync(ct);
        if (s.Json) { PrintJson(Raw(list)); return 0; }
        if (list.Macros.Count == 0) { Console.Out.WriteLine("No macro templates registered."); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("macro id", "description", "kind");
        foreach (var m in list.Macros) t.AddRow(Esc(m.MacroId), Esc(m.Description), m.Builtin ? "built-in" : $"workspace v{m.Version}");
        AnsiConsole.Write(t);
        return 0;
    }
}

public sealed class CreateSettings : GlobalSettings
{
    [CommandOption("--from-template <MACRO_ID>")]
    [Description("Start from this workflow template (axme scenarios list-templates)")]
    public string? FromTemplate { get; set; }

    [CommandOption("-o|--output <FILE>")]
    [Description("Where to save the bundle (skips the question)")]
    public string? Output { get; set; }
}

/// <summary>
/// axme scenarios create [--from-template ID] [-o file] (PROTOCOL §8.5, §11.2): the official CLI's wizard, question by
/// question, reading answers from standard input (Enter takes the default in brackets). A template's parameters are
/// asked with their defaults; without a template each agent gets a step in turn, then each human a sign-off.
/// </summary>
public sealed class ScenariosCreateCommand : AxmeCommand<CreateSettings>
{
    protected override async Task<int> RunAsync(CreateSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        Console.Out.WriteLine("Scenario Wizard");
        var scenarioId = Ask("Scenario ID (e.g. approval.nginx_rollout.v1)", "my_scenario.v1");
        var description = Ask("Description", "");

        Console.Out.WriteLine("── Agents");
        var agents = new JsonArray();
        var agentCount = Count(Ask("Number of service account agents [0-10]", "1"), 10);
        for (var i = 1; i <= agentCount; i++)
        {
            var role = Ask($"  Agent {i} role alias", $"agent{i}");
            var address = Ask("  Agent address", role);
            var create = !Ask("  Create if missing? [Y/n]", "Y").Equals("n", StringComparison.OrdinalIgnoreCase);
            agents.Add(new JsonObject
            {
                ["role"] = role, ["address"] = address, ["display_name"] = Ask("  Display name", address),
                ["delivery_mode"] = "stream", ["create_if_missing"] = create,
            });
        }
        Console.Out.WriteLine("── Human participants");
        var humans = new JsonArray();
        var humanCount = Count(Ask("Number of human participants [0-5]", "0"), 5);
        for (var i = 1; i <= humanCount; i++)
        {
            var role = Ask($"  Human {i} role alias", $"human{i}");
            humans.Add(new JsonObject { ["role"] = role, ["contact"] = Ask("  Contact (e-mail)", ""), ["display_name"] = Ask("  Display name", role) });
        }

        var macroId = s.FromTemplate;
        if (macroId is null && Ask("Start from a template? [y/N]", "N").Equals("y", StringComparison.OrdinalIgnoreCase))
        {
            var macros = (await client.ListMacrosAsync(ct)).Macros;
            for (var i = 0; i < macros.Count; i++) Console.Out.WriteLine($"  {i + 1}. {macros[i].MacroId,-32} {macros[i].Description}");
            var pick = Count(Ask("  Select template number", "1"), macros.Count);
            macroId = pick > 0 ? macros[pick - 1].MacroId : null;
        }
        JsonObject workflow;
        if (macroId is not null)
        {
            var macro = (await client.GetMacroAsync(macroId, ct)).Macro;
            Console.Out.WriteLine($"── Template {macro.MacroId}: {macro.Description}");
            var parameters = new JsonObject();
            foreach (var p in macro.Parameters)
            {
                var value = Ask($"  {p.Name}{(p.Description is null ? "" : $" ({p.Description})")}", p.Default ?? "");
                if (value.Length == 0) continue;
                parameters[p.Name] = p.Type == "integer" && int.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : value;
            }
            workflow = new JsonObject { ["macro_id"] = macro.MacroId, ["parameters"] = parameters };
        }
        else workflow = new JsonObject { ["steps"] = DefaultSteps(agents, humans) };

        Console.Out.WriteLine("── Intent");
        var intent = new JsonObject { ["type"] = Ask("Intent type", "approval.change.v1") };
        var deadline = Ask("Deadline (e.g. 4h, 24h, none)", "none");
        if (deadline != "none") intent["deadline_at"] = DateTimeOffset.UtcNow.Add(Duration(deadline)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        intent["max_delivery_attempts"] = Count(Ask("Max delivery attempts", "5"), 100);
        var payload = new JsonObject();
        foreach (var field in new[] { "service", "environment", "reason" })
            if (Ask($"  payload.{field}", "") is { Length: > 0 } value) payload[field] = value;
        intent["payload"] = payload;

        var bundle = new JsonObject { ["scenario_id"] = scenarioId };
        if (description.Length > 0) bundle["description"] = description;
        if (agents.Count > 0) bundle["agents"] = agents;
        if (humans.Count > 0) bundle["humans"] = humans;
        bundle["workflow"] = workflow;
        bundle["intent"] = intent;

        var check = await client.ValidateScenarioAsync(bundle, ct);
        foreach (var e in check["errors"] as JsonArray ?? []) Console.Error.WriteLine($"  problem: {e}");
        var file = s.Output ?? Ask("Save to file", scenarioId + ".json");
        await File.WriteAllTextAsync(file, bundle.ToJsonString(FileJson) + "\n", ct);
        Console.Out.WriteLine($"Saved to {file}");
        if (!Ask("Apply now? [y/N]", "N").Equals("y", StringComparison.OrdinalIgnoreCase)) return 0;
        var watch = Ask("Watch the intent? [y/N]", "N").Equals("y", StringComparison.OrdinalIgnoreCase);
        return await ScenariosApplyCommand.ApplyAsync(bundle, s, watch, serverSide: false, ct);
    }

    /// <summary>A bundle file as people write them: indented, text as it is (no \u0027 for an apostrophe).</summary>
    private static readonly System.Text.Json.JsonSerializerOptions FileJson = new()
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>One question; an empty answer (or the end of the input) takes the default.</summary>
    private static string Ask(string label, string fallback)
    {
        Console.Out.Write(fallback.Length > 0 ? $"? {label} [{fallback}]: " : $"? {label}: ");
        var answer = Console.In.ReadLine()?.Trim();
        if (Console.IsInputRedirected) Console.Out.WriteLine(answer); // a terminal echoes what was typed; a pipe does not
        return string.IsNullOrEmpty(answer) ? fallback : answer;
    }

    private static int Count(string text, int max) =>
        int.TryParse(text, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 0, max) : throw new CliException(ExitCodes.Usage, $"'{text}' is not a number");

    private static TimeSpan Duration(string text)
    {
        var unit = text[^1];
        return double.TryParse(text[..^1], CultureInfo.InvariantCulture, out var n) && unit is 'm' or 'h' or 'd'
            ? unit switch { 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) }
            : throw new CliException(ExitCodes.Usage, $"'{text}' is not a duration like 30m, 4h or 2d");
    }

    /// <summary>Without a template: each agent does a step in turn, then each human signs off.</summary>
    private static JsonArray DefaultSteps(JsonArray agents, JsonArray humans) =>
    [
        .. agents.Select(a => (JsonNode)new JsonObject { ["step_id"] = $"{a!["role"]}_task", ["tool_id"] = "tool.agent.task.v1", ["assigned_to"] = a["role"]!.DeepClone() }),
        .. humans.Select(h => (JsonNode)new JsonObject
        {
            ["step_id"] = $"{h!["role"]}_approval", ["tool_id"] = "tool.approval.human_signoff", ["assigned_to"] = h["role"]!.DeepClone(),
            ["human_task"] = new JsonObject { ["title"] = "Approval required" },
        }),
    ];
}

/// <summary>axme scenarios register &lt;file&gt;: registers the bundle in the workspace, to start it by id.</summary>
public sealed class ScenariosRegisterCommand : AxmeCommand<FileSettings>
{
    protected override async Task<int> RunAsync(FileSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var saved = await client.RegisterScenarioAsync(ReadObjectFile(s.File), ct);
        if (s.Json) { PrintJson(Raw(saved)); return 0; }
        AnsiConsole.MarkupLine($"[green]registered[/] {Esc(saved.Scenario.ScenarioId)} v{saved.Scenario.Version} ({Esc(saved.Scenario.CompileId)})");
        AnsiConsole.MarkupLine($"[grey]Start with:  axme scenarios start {Esc(saved.Scenario.ScenarioId)} --payload '{{...}}'[/]");
        return 0;
    }
}

/// <summary>axme scenarios list: the workspace's registered scenarios.</summary>
public sealed class ScenariosListCommand : AxmeCommand<GlobalSettings>
{
    protected override async Task<int> RunAsync(GlobalSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var list = await client.ListScenariosAsync(ct);
        if (s.Json) { PrintJson(Raw(list)); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("scenario id", "title", "template", "version", "updated");
        foreach (var x in list.Scenarios) t.AddRow(Esc(x.ScenarioId), Esc(x.Title), Esc(x.MacroId ?? "—"), $"{x.Version}", Esc(x.UpdatedAt.ToString("u", CultureInfo.InvariantCulture)));
        AnsiConsole.Write(t);
        return 0;
    }
}

public sealed class StartSettings : GlobalSettings
{
    [CommandArgument(0, "<scenario_id>")]
    public string ScenarioId { get; set; } = "";

    [CommandOption("--payload <JSON>")]
    [Description("The parent intent's payload for this run (else the registered one)")]
    public string? Payload { get; set; }

    [CommandOption("-p|--param <NAME=VALUE>")]
    [Description("A template parameter for this run (repeatable)")]
    public string[] Parameters { get; set; } = [];

    [CommandOption("--idempotency-key <KEY>")]
    [Description("Starts with the same key create one intent")]
    public string? IdempotencyKey { get; set; }

    [CommandOption("--watch")]
    [Description("Follow the intent to its end")]
    public bool Watch { get; set; }
}

/// <summary>axme scenarios start &lt;id&gt; [--payload JSON] [-p name=value]... [--watch]: one run of a registered scenario.</summary>
public sealed class ScenariosStartCommand : AxmeCommand<StartSettings>
{
    protected override async Task<int> RunAsync(StartSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        JsonObject? parameters = null;
        foreach (var p in s.Parameters)
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new CliException(ExitCodes.Usage, $"--param {p}: expected NAME=VALUE");
            (parameters ??= [])[p[..eq]] = p[(eq + 1)..];
        }
        var run = new Contracts.ScenarioStartRequest { Payload = s.Payload is null ? null : ParseObject(s.Payload, "--payload"), Parameters = parameters };
        var started = await client.StartScenarioAsync(s.ScenarioId, run, s.IdempotencyKey, ct);
        if (s.Json && !s.Watch) { PrintJson(Raw(started)); return 0; }
        if (!s.Json) AnsiConsole.MarkupLine($"Intent submitted: [bold]{Esc(started.IntentId)}[/] ({Esc(started.Status)}){(started.Idempotent ? " [grey](the earlier start with this key)[/]" : "")}");
        return s.Watch ? await WatchAsync(client, started.IntentId, s.Json, ct) : 0;
    }
}

/// <summary>axme scenarios delete &lt;id&gt;: deletes a registered scenario.</summary>
public sealed class ScenariosDeleteCommand : AxmeCommand<IdSettings>
{
    protected override async Task<int> RunAsync(IdSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var deleted = await client.DeleteScenarioAsync(s.Id, ct);
        if (s.Json) PrintJson(Raw(deleted));
        else AnsiConsole.MarkupLine($"[green]deleted[/] {Esc(deleted.Id)}");
        return 0;
    }
}
