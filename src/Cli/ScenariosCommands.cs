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

public sealed class ScenariosApplyCommand : AxmeCommand<FileSettings>
{
    protected override async Task<int> RunAsync(FileSettings s, CancellationToken ct)
    {
        var bundle = ReadObjectFile(s.File);
        using var client = Connection.Resolve(s).CreateClient();
        var answer = await client.ApplyScenarioAsync(bundle, null, ct);
        var id = answer["intent_id"]?.ToString() ?? answer["intent"]?["intent_id"]?.ToString();
        if (s.Json && !s.Watch) { PrintJson(answer); return 0; }
        if (id is null) throw new CliException(ExitCodes.Server, "apply returned no intent_id: " + answer.ToJsonString());
        if (!s.Json) AnsiConsole.MarkupLine($"Intent submitted: [bold]{Esc(id)}[/] — → SUBMITTED");
        if (!s.Watch)
        {
            AnsiConsole.MarkupLine($"[grey]axme intents watch {Esc(id)}[/]");
            return 0;
        }
        return await WatchAsync(client, id, s.Json, ct);
    }
}
