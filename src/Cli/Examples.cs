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

    /// <summary>
    /// The agent's stream cursor now (§8.7 step 4.2): what its stream hands out within a second from the start, so
    /// that the agent answers only what arrives after it, not intents left pending for the same name by earlier
    /// runs or by someone else's scenario. Done before the bundle is applied (the Go CLI syncs while it applies,
    /// and can skip its own delivery). 0 when the stream cannot be read; listening then reports why.
    /// </summary>
    public static async Task<long> SyncAsync(string baseUrl, string key, string agent, CancellationToken ct)
    {
        using var client = new AxmeClient(new AxmeClientOptions { BaseUrl = baseUrl, ApiKey = key, StreamWaitSeconds = 1, MaxRetries = 1 });
        using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
        window.CancelAfter(TimeSpan.FromSeconds(1.5));
        long last = 0;
        try
        {
            await foreach (var d in client.ListenAsync(agent, 0, window.Token)) last = Math.Max(last, d.Seq ?? last);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The window ended: everything pending was handed out in it.
        }
        catch (Exception e) when (e is AxmeException or HttpRequestException)
        {
            // Listening will fail the same way and say so.
        }
        return last;
    }

    /// <summary>Listens as the agent after <paramref name="since"/> and answers each delivered step intent with its handler (§8.7 step 4).</summary>
    public static async Task RunAsync(string baseUrl, string key, string agent, long since, StoryLines story, CancellationToken ct)
    {
        using var client = new AxmeClient(new AxmeClientOptions { BaseUrl = baseUrl, ApiKey = key, StreamWaitSeconds = 2 });
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var d in client.ListenAsync(agent, since, ct))
                {
                    since = Math.Max(since, d.Seq ?? since);
                    var intent = await client.GetIntentAsync(d.IntentId, ct);
                    if (intent.IsTerminal || intent.Status == IntentStatus.Waiting && intent.PendingWith?.Type == "human") continue;
                    var payload = intent.Payload as JsonObject ?? [];
                    var input = payload["parent_payload"] as JsonObject ?? payload;
                    var result = Handle(agent, input);
                    // Told before the resume, so the line comes before the events the answer causes.
                    story.Answered(agent, $"[grey]{Markup.Escape(agent)}[/] answers: {Markup.Escape(result.ToJsonString())}");
                    await client.ResumeIntentAsync(d.IntentId, result, agent, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is AxmeException or HttpRequestException)
            {
                story.Print($"[yellow]{Markup.Escape(agent)}: {Markup.Escape(e.Message)}[/]");
                await Task.Delay(TimeSpan.FromSeconds(2), ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}

/// <summary>
/// axme examples run &lt;id&gt; (PROTOCOL §8.7): provisions the built-in agents (§8.6.1, re-using the keys in
/// scenario-agents.json), starts them with those keys, applies the bundle and tells the story: submitted,
/// waiting for agent/approval, approved, completed, and a one-line result (<see cref="ResultSummary"/>).
/// </summary>
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
        var story = new StoryLines(markup => { if (!s.Json) AnsiConsole.MarkupLine(markup); });
        void Log(string markup) => story.Print(markup);

        Log($"[bold]{Esc(bundle["title"]?.ToString())}[/] ({Esc(bundle["scenario_id"]?.ToString())})");
        var names = BuiltInAgents.ByExample.GetValueOrDefault(s.Id, []);
        var bundleAgents = (bundle["agents"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        // The bare built-in names with create_if_missing (§8.7 step 3); display name and binding from the bundle's entry.
        var specs = names.Select(name => bundleAgents.FirstOrDefault(a => a["address"]?.ToString() == name) is { } a
            ? new AgentSpec(name, a["display_name"]?.ToString() ?? name, a["delivery_mode"]?.ToString())
            : new AgentSpec(name, name, null)).ToList();
        var provisioned = await new AgentProvisioner(conn, client).ProvisionAsync(specs, ct);
        var stored = ScenarioAgentStore.Load();

        var keyed = new List<(ProvisionedAgent Agent, StoredAgent Key)>();
        foreach (var p in provisioned)
        {
            var name = p.Spec.Address;
            // §8.7 step 4.1: the agent's key as scenario-agents.json has it for this node.
            if ((p.Key ?? ScenarioAgentStore.FindForAgent(stored, name, conn.BaseUrl, conn.OrgId, conn.WorkspaceId)) is { } key) keyed.Add((p, key));
            else
            {
                AgentProvisioner.Report(p, s.Json);
                WarnLine(s.Json, $"no key for {name} in {ScenarioAgentStore.FilePath}; the agent is not started");
            }
        }
        var cursors = await Task.WhenAll(keyed.Select(k => BuiltInAgents.SyncAsync(conn.BaseUrl, k.Key.ApiKey, k.Agent.Spec.Address, ct)));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var agents = new List<Task>();
        for (var i = 0; i < keyed.Count; i++)
        {
            var (p, key) = keyed[i];
            Log($"Agent [bold]{Esc(key.Address)}[/] started [grey]({Esc(p.Describe())})[/]");
            agents.Add(BuiltInAgents.RunAsync(conn.BaseUrl, key.ApiKey, p.Spec.Address, cursors[i], story, stop.Token));
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
                {
                    Log("Waiting for approval...");
                    Log($"[grey]  approve it in another terminal: axme tasks approve {Esc(id)}[/]");
                }
                else if (e.WaitingReason == "WAITING_FOR_AGENT" && e.EventType != "intent.reminder")
                    story.Waiting(Holder(e) ?? e.Handler ?? "");
                else if (e.Details?["task_result"]?["outcome"]?.ToString() is { Length: > 0 } outcome)
                {
                    Log($"[green]{Esc(char.ToUpperInvariant(outcome[0]) + outcome[1..].Replace('_', ' '))}[/]");
                    if (e.Actor is not null) Log($"[grey]  by {Esc(e.Actor)}[/]");
                }
                else if (e.IsTerminal)
                    Log(e.Status switch
                    {
                        IntentStatus.Completed => "[green]Completed[/]",
                        IntentStatus.TimedOut => "[red]Timed out[/]",
                        IntentStatus.Canceled => "[yellow]Canceled[/]",
                        _ => "[red]Failed[/]",
                    });
            });
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(agents).ContinueWith(_ => { }, TaskScheduler.Default);
            story.Flush();
        }
        var final = await client.GetIntentAsync(id, ct);
        if (s.Json) PrintJson(Raw(final));
        else
        {
            Log($"Result: {Esc(ResultSummary.Describe(final.IntentType, final.Status, final.Result, final.Error))}");
            if ((final.Result ?? final.Error) is { } detail) Log($"[grey]{Esc(detail.ToJsonString(Indented))}[/]");
            Log($"[grey]axme intents log {Esc(id)}[/]");
        }
        return code;
    }

    /// <summary>The last segment of the event's holder (pending_with name or ref): "deploy-readiness-checker".</summary>
    private static string? Holder(IntentEvent e)
    {
        var holder = e.PendingWith?.Name ?? e.PendingWith?.Ref;
        return holder?.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
    }

    private static void WarnLine(bool json, string text)
    {
        if (json) Console.Error.WriteLine("warning: " + text);
        else AnsiConsole.MarkupLine($"[yellow]warning: {Markup.Escape(text)}[/]");
    }
}

/// <summary>
/// Keeps the story in the order a reader expects. A built-in agent usually answers before the watch has shown
/// that the workflow waits for it, so its answer line is held until "Waiting for agent X..." is printed.
/// </summary>
public sealed class StoryLines(Action<string> print)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<string>> _held = new(StringComparer.Ordinal);
    private readonly HashSet<string> _announced = new(StringComparer.Ordinal);

    public void Print(string markup)
    {
        lock (_gate) print(markup);
    }

    /// <summary>The workflow waits for <paramref name="agent"/>: say so, then what it already answered.</summary>
    public void Waiting(string agent)
    {
        lock (_gate)
        {
            print($"Waiting for agent {Markup.Escape(agent)}...");
            if (_held.Remove(agent, out var lines)) lines.ForEach(print);
            else _announced.Add(agent);
        }
    }

    /// <summary>An agent answered: printed now if its wait was told, else held for it.</summary>
    public void Answered(string agent, string markup)
    {
        lock (_gate)
        {
            if (_announced.Remove(agent)) print(markup);
            else if (_held.TryGetValue(agent, out var lines)) lines.Add(markup);
            else _held[agent] = [markup];
        }
    }

    /// <summary>Prints what is still held (an answer whose wait the watch never showed).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            foreach (var line in _held.Values.SelectMany(l => l)) print(line);
            _held.Clear();
        }
    }
}
