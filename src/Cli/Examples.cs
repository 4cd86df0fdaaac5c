using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

public sealed class ExampleRunSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    public string Id { get; set; } = "";
}

/// <summary>The built-in agents of the examples (PROTOCOL §8.8): pure functions of the step's input.</summary>
public static class BuiltInAgents
{
    public static readonly IReadOnlyDictionary<string, string[]> ByExample = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["delivery/stream"] = ["compliance-checker-agent"],
        ["human/cli"] = ["deploy-readiness-checker"],
        ["human/email"] = ["budget-envelope-validator"],
        ["full/multi-agent"] = ["compliance-checker-agent", "risk-assessment-agent"],
        ["internal/timeout"] = [],
    };

    private static string Str(JsonObject input, string name) => input[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    private static double Num(JsonObject input, string name) =>
        input[name] is JsonValue v && (v.TryGetValue<double>(out var d) || (v.TryGetValue<string>(out var s) && double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out d))) ? d : 0;

    public static JsonObject Handle(string agent, JsonObject input)
    {
        switch (agent)
        {
            case "compliance-checker-agent":
            {
                var env = Str(input, "environment");
                var risk = Str(input, "risk_level");
                var passed = env == "staging" && risk != "critical";
                return new JsonObject { ["action"] = passed ? "complete" : "fail", ["passed"] = passed, ["reason"] = $"compliance {(passed ? "passed" : "failed")} (env={env}, risk={risk})" };
            }
            case "deploy-readiness-checker":
                return new JsonObject { ["action"] = "complete", ["ready"] = true, ["passed_checks"] = new JsonArray("version", "environment") };
            case "budget-envelope-validator":
            {
                var envelope = Str(input, "category") switch { "cloud_infrastructure" => 50000, "software_licenses" => 20000, _ => 0 };
                var within = envelope > 0 && Num(input, "amount") <= envelope;
                return new JsonObject { ["action"] = within ? "complete" : "fail", ["within_envelope"] = within };
            }
            case "risk-assessment-agent":
            {
                var level = Str(input, "risk_level");
                var score = level switch { "low" => 10, "medium" => 25, "high" => 45, "critical" => 80, _ => 20 };
                var threshold = Num(input, "risk_threshold");
                var ok = threshold == 0 || score <= threshold;
                return new JsonObject { ["action"] = ok ? "complete" : "fail", ["risk_score"] = score, ["risk_level"] = level.ToUpperInvariant() };
            }
            default:
                return new JsonObject { ["action"] = "complete" };
        }
    }

    /// <summary>Listens as the agent and answers each delivered step intent with its handler (§8.7 step 4).</summary>
    public static async Task RunAsync(string baseUrl, string key, string agent, Action<string> log, CancellationToken ct)
    {
        using var client = new AxmeClient(new AxmeClientOptions { BaseUrl = baseUrl, ApiKey = key, StreamWaitSeconds = 2 });
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var d in client.ListenAsync(agent, 0, ct))
                {
                    var intent = await client.GetIntentAsync(d.IntentId, ct);
                    if (intent.IsTerminal || intent.Status == IntentStatuses.Waiting && intent.PendingWith?["type"]?.ToString() == "human") continue;
                    var payload = intent.Payload as JsonObject ?? [];
                    var input = payload["parent_payload"] as JsonObject ?? payload;
                    var result = Handle(agent, input);
                    await client.ResumeIntentAsync(d.IntentId, result, agent, ct);
                    log($"[grey]{Markup.Escape(agent)}[/] answered: {Markup.Escape(result.ToJsonString())}");
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is AxmeException or HttpRequestException)
            {
                log($"[yellow]{Markup.Escape(agent)}: {Markup.Escape(e.Message)}[/]");
                await Task.Delay(TimeSpan.FromSeconds(2), ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}

/// <summary>axme examples run &lt;id&gt;: provisions and starts the built-in agents, applies the bundle, tells the story (§8.7).</summary>
public sealed class ExamplesRunCommand : AxmeCommand<ExampleRunSettings>
{
    protected override async Task<int> RunAsync(ExampleRunSettings s, CancellationToken ct)
    {
        var example = Examples.All.FirstOrDefault(e => e.Id == s.Id);
        if (example.Id is null)
            throw new CliException(ExitCodes.NotFound, $"unknown example '{s.Id}' (axme examples list)");
        var conn = Connection.Resolve(s);
        if (conn.ApiKey is null) throw new CliException(ExitCodes.Auth, "not logged in: set an API key (axme login --api-key … or AXME_API_KEY)");
        var bundle = Examples.Load(example.Resource);
        using var client = conn.CreateClient();
        var lockObj = new object();
        void Log(string markup) { if (!s.Json) lock (lockObj) AnsiConsole.MarkupLine(markup); }

        Log($"[bold]{Esc(bundle["title"]?.ToString())}[/] ({Esc(bundle["scenario_id"]?.ToString())})");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var agents = new List<Task>();
        foreach (var name in BuiltInAgents.ByExample.GetValueOrDefault(s.Id, []))
        {
            var registered = await client.RegisterAgentAsync(name, name, ct: ct);
            var key = registered.Key?.Token ?? throw new CliException(ExitCodes.Server, $"no key was created for {name}");
            Log($"Agent [bold]{Esc(registered.Account.AgentAddress)}[/] started");
            agents.Add(BuiltInAgents.RunAsync(conn.BaseUrl, key, name, Log, stop.Token));
        }
        await Task.Delay(500, ct);
        var answer = await client.ApplyScenarioAsync(bundle, null, ct);
        var id = answer["intent_id"]?.ToString() ?? throw new CliException(ExitCodes.Server, "apply returned no intent_id: " + answer.ToJsonString());
        Log($"Intent submitted: [bold]{Esc(id)}[/]");
        int code;
        try
        {
            code = await WatchAsync(client, id, s.Json, ct, e =>
            {
                if (e.WaitingReason == "WAITING_FOR_HUMAN" && e.EventType == "intent.human_task_assigned")
                    Log($"Waiting for approval... (in another terminal: [bold]axme tasks approve {Esc(id)}[/])");
                else if (e.WaitingReason == "WAITING_FOR_AGENT" && e.EventType != "intent.reminder")
                    Log($"Waiting for agent {Esc(e.Details?["pending_with"]?["ref"]?.ToString() ?? e.Handler ?? "")}...");
                else if (e.Details?["task_result"]?["outcome"]?.ToString() is { } outcome)
                    Log($"[green]{Esc(char.ToUpperInvariant(outcome[0]) + outcome[1..])}[/]{(e.Actor is null ? "" : $" by {Esc(e.Actor)}")}");
                else if (e.IsTerminal)
                    Log(e.Status == IntentStatuses.Completed ? "[green]Completed[/]" : $"[red]{Esc(e.Status)}[/]");
            });
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(agents).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        var final = await client.GetIntentAsync(id, ct);
        if (s.Json) PrintJson(final.Raw);
        else
        {
            if (final.Result is not null) Log($"Result: {Esc(final.Result.ToJsonString())}");
            if (final.Error is not null) Log($"Error: {Esc(final.Error.ToJsonString())}");
            Log($"[grey]axme intents log {Esc(id)}[/]");
        }
        return code;
    }
}
