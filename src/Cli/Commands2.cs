using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

// ---- tasks (PROTOCOL §7.4) ----

public sealed class TaskResultSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    public string Id { get; set; } = "";

    [CommandOption("-c|--comment <TEXT>")]
    public string? Comment { get; set; }

    [CommandOption("--outcome <OUTCOME>")]
    [Description("Outcome (tasks submit only)")]
    public string? Outcome { get; set; }

    [CommandOption("--data <K=V>")]
    [Description("A task_result field (repeatable)")]
    public string[] Data { get; set; } = [];

    [CommandOption("--data-json <JSON>")]
    [Description("task_result fields as a JSON object (values are sent as strings)")]
    public string? DataJson { get; set; }
}

/// <summary>tasks approve|reject|confirm|complete|assign|submit: POST /v1/intents/{id}/resume {"task_result": {...}}.</summary>
public sealed class TaskResultCommand : AxmeCommand<TaskResultSettings>
{
    protected override Task<int> RunAsync(TaskResultSettings s, CancellationToken ct) => SubmitAsync(s, null, ct);

    internal static async Task<int> SubmitAsync(TaskResultSettings s, string? fixedOutcome, CancellationToken ct)
    {
        var outcome = fixedOutcome ?? s.Outcome ?? throw new CliException(ExitCodes.Usage, "--outcome is required");
        var fields = new JsonObject();
        if (s.DataJson is not null)
            foreach (var (k, v) in ParseObject(s.DataJson, "--data-json"))
                fields[k] = v is JsonValue jv && jv.TryGetValue<string>(out var str) ? str : v?.ToJsonString() ?? "";
        foreach (var pair in s.Data)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new CliException(ExitCodes.Usage, $"--data expects k=v, got '{pair}'");
            fields[pair[..eq]] = pair[(eq + 1)..];
        }
        using var client = Connection.Resolve(s).CreateClient();
        var r = await client.SubmitTaskResultAsync(s.Id, outcome, s.Comment, fields, ct);
        if (s.Json) PrintJson(r.Raw);
        else AnsiConsole.MarkupLine($"Task [bold]{Esc(s.Id)}[/]: {Esc(outcome)} → {StatusMarkup(r.Intent?.Status)}");
        return 0;
    }
}

public sealed class TasksApproveCommand : AxmeCommand<TaskResultSettings>
{ protected override Task<int> RunAsync(TaskResultSettings s, CancellationToken ct) => TaskResultCommand.SubmitAsync(s, "approved", ct); }
public sealed class TasksRejectCommand : AxmeCommand<TaskResultSettings>
{ protected override Task<int> RunAsync(TaskResultSettings s, CancellationToken ct) => TaskResultCommand.SubmitAsync(s, "rejected", ct); }
public sealed class TasksConfirmCommand : AxmeCommand<TaskResultSettings>
{ protected override Task<int> RunAsync(TaskResultSettings s, CancellationToken ct) => TaskResultCommand.SubmitAsync(s, "confirmed", ct); }
public sealed class TasksCompleteCommand : AxmeCommand<TaskResultSettings>
{ protected override Task<int> RunAsync(TaskResultSettings s, CancellationToken ct) => TaskResultCommand.SubmitAsync(s, "completed", ct); }
public sealed class TasksAssignCommand : AxmeCommand<TaskResultSettings>
{ protected override Task<int> RunAsync(TaskResultSettings s, CancellationToken ct) => TaskResultCommand.SubmitAsync(s, "assigned", ct); }
public sealed class TasksSubmitCommand : AxmeCommand<TaskResultSettings>
{ protected override Task<int> RunAsync(TaskResultSettings s, CancellationToken ct) => TaskResultCommand.SubmitAsync(s, null, ct); }

public sealed class TasksListCommand : AxmeCommand<GlobalSettings>
{
    protected override async Task<int> RunAsync(GlobalSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var tasks = await client.ListMyTasksAsync(ct);
        if (s.Json) { PrintJson(new JsonArray(tasks.Select(t => (JsonNode)t.Raw.DeepClone()).ToArray())); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("intent_id", "type", "title", "from_agent", "due_at");
        foreach (var x in tasks)
            t.AddRow(Esc(x.IntentId), Esc(x.IntentType), Esc(x.HumanTask?["title"]?.ToString()), Esc(x.FromAgent), Esc(x.DueAt?.ToString("u")));
        AnsiConsole.Write(t);
        return 0;
    }
}

// ---- scenarios ----

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

// ---- agents ----

public sealed class AgentRegisterSettings : GlobalSettings
{
    [CommandArgument(0, "[name]")]
    public string? NameArg { get; set; }

    [CommandOption("--name <NAME>")]
    public string? Name { get; set; }

    [CommandOption("--display-name <TEXT>")]
    public string? DisplayName { get; set; }

    [CommandOption("--description <TEXT>")]
    public string? Description { get; set; }
}

public sealed class AgentsRegisterCommand : AxmeCommand<AgentRegisterSettings>
{
    protected override async Task<int> RunAsync(AgentRegisterSettings s, CancellationToken ct)
    {
        var name = s.Name ?? s.NameArg ?? throw new CliException(ExitCodes.Usage, "a name is required (axme agents register <name>)");
        using var client = Connection.Resolve(s).CreateClient();
        var r = await client.RegisterAgentAsync(name, s.DisplayName, s.Description, ct: ct);
        if (s.Json)
        {
            PrintJson(new JsonObject { ["service_account"] = r.Account.Raw.DeepClone(), ["key"] = r.Key?.Raw.DeepClone() });
            return 0;
        }
        AnsiConsole.MarkupLine($"Registered [bold]{Esc(r.Account.AgentAddress)}[/] (service account {Esc(r.Account.Id)})");
        if (r.Key?.Raw["token"]?.ToString() is { } token) AnsiConsole.MarkupLine($"API key (shown once): [yellow]{Esc(token)}[/]");
        return 0;
    }
}

public sealed class AgentsListCommand : AxmeCommand<ListSettings>
{
    protected override async Task<int> RunAsync(ListSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var agents = await client.ListAgentsAsync(s.Limit, ct);
        if (s.Json) { PrintJson(new JsonArray(agents.Select(a => (JsonNode)a.Raw.DeepClone()).ToArray())); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("address", "display_name", "status", "delivery");
        foreach (var a in agents) t.AddRow(Esc(a.Address), Esc(a.DisplayName), Esc(a.Status), Esc(a.DeliveryMode));
        AnsiConsole.Write(t);
        return 0;
    }
}

public sealed class AgentsShowCommand : AxmeCommand<IdSettings>
{
    protected override async Task<int> RunAsync(IdSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var a = await client.GetAgentAsync(s.Id, ct);
        if (s.Json) { PrintJson(a.Raw); return 0; }
        var t = new Table().AddColumn("Field").AddColumn("Value");
        foreach (var (k, v) in a.Raw) t.AddRow(Esc(k), Esc(v is JsonValue ? v.ToString() : v?.ToJsonString()));
        AnsiConsole.Write(t);
        return 0;
    }
}

public sealed class AgentsDeleteCommand : AxmeCommand<IdSettings>
{
    protected override async Task<int> RunAsync(IdSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var id = s.Id;
        if (id.StartsWith("agent://", StringComparison.Ordinal) || id.Contains('/', StringComparison.Ordinal))
            id = (await client.GetAgentAsync(id, ct)).ServiceAccountId ?? throw new CliException(ExitCodes.NotFound, $"agent {s.Id} has no service account");
        await client.DeleteServiceAccountAsync(id, ct);
        if (s.Json) PrintJson(new JsonObject { ["deleted"] = id });
        else AnsiConsole.MarkupLine($"Deleted service account [bold]{Esc(id)}[/]");
        return 0;
    }
}

// ---- examples ----

/// <summary>The embedded example bundles (examples/scenarios/*.json).</summary>
public static class Examples
{
    public static IEnumerable<(string Id, string Resource)> All =>
        typeof(Examples).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("examples/", StringComparison.Ordinal))
            .Select(n => (n["examples/".Length..^".json".Length].Replace('.', '/'), n))
            .OrderBy(x => x.Item1, StringComparer.Ordinal);

    public static JsonObject Load(string resource)
    {
        using var stream = typeof(Examples).Assembly.GetManifestResourceStream(resource)!;
        return (JsonObject)JsonNode.Parse(stream)!;
    }
}

public sealed class ExamplesListCommand : AxmeCommand<GlobalSettings>
{
    protected override Task<int> RunAsync(GlobalSettings s, CancellationToken ct)
    {
        var list = Examples.All.Select(e =>
        {
            var b = Examples.Load(e.Resource);
            return (e.Id, Scenario: b["scenario_id"]?.ToString(), Title: b["title"]?.ToString() ?? b["description"]?.ToString());
        }).ToList();
        if (s.Json)
            PrintJson(new JsonArray(list.Select(x => (JsonNode)new JsonObject { ["id"] = x.Id, ["scenario_id"] = x.Scenario, ["title"] = x.Title }).ToArray()));
        else
        {
            var t = new Table().Border(TableBorder.Rounded).AddColumns("id", "scenario_id", "title");
            foreach (var x in list) t.AddRow(Esc(x.Id), Esc(x.Scenario), Esc(x.Title));
            AnsiConsole.Write(t);
        }
        return Task.FromResult(0);
    }
}
