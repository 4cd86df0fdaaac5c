using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

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

    [CommandOption("--evidence <FILE>")]
    [Description("A file that backs the answer: uploaded, then named in task_result.evidence (repeatable)")]
    public string[] Evidence { get; set; } = [];
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
        if (s.Evidence.Length > 0) fields["evidence"] = await Files.EvidenceAsync(client, s.Evidence, ct);
        var r = await client.SubmitTaskResultAsync(s.Id, outcome, s.Comment, fields, ct);
        if (s.Json) PrintJson(Raw(r));
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
        if (s.Json) { PrintJson(new JsonArray(tasks.Select(t => (JsonNode)Raw(t)).ToArray())); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("intent_id", "type", "title", "from_agent", "due_at");
        foreach (var x in tasks)
            t.AddRow(Esc(x.IntentId), Esc(x.IntentType), Esc(x.HumanTask?["title"]?.ToString()), Esc(x.FromAgent), Esc(x.DueAt?.ToString("u")));
        AnsiConsole.Write(t);
        return 0;
    }
}
