using System.ComponentModel;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

/// <summary>Exit codes of every command.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int NotFound = 2;
    public const int Auth = 3;
    public const int Conflict = 4;
    public const int Server = 5;
    /// <summary>A watched intent ended in a terminal status other than COMPLETED.</summary>
    public const int NotCompleted = 6;
    /// <summary>Stopped by Ctrl-C (SIGINT) or SIGTERM, the shells' 128 + 2.</summary>
    public const int Interrupted = 130;
}

/// <summary>Options every command takes.</summary>
public class GlobalSettings : CommandSettings
{
    [CommandOption("--base-url <URL>")]
    [Description("Node base URL (else AXME_BASE_URL, the context, http://127.0.0.1:8100)")]
    public string? BaseUrl { get; set; }

    [CommandOption("--api-key <KEY>")]
    [Description("API key (else AXME_API_KEY, the context)")]
    public string? ApiKey { get; set; }

    [CommandOption("--actor-token <TOKEN>")]
    [Description("A human user's actor token, sent as Authorization: Bearer: answers are in that user's name (else AXME_ACTOR_TOKEN, the context)")]
    public string? ActorToken { get; set; }

    [CommandOption("--owner-agent <AGENT>")]
    [Description("Act for this agent: x-owner-agent on every request (else AXME_OWNER_AGENT, the context)")]
    public string? OwnerAgent { get; set; }

    [CommandOption("--json")]
    [Description("Print raw JSON for scripts")]
    public bool Json { get; set; }

    [CommandOption("--context-name <NAME>")]
    [Description("Use this context of the config file instead of the current one (it then wins over AXME_* variables)")]
    public string? ContextName { get; set; }
}

/// <summary>
/// The effective connection: flags, then environment, then the config's current context. A context named
/// with --context-name is an explicit choice, so its settings win over the environment.
/// </summary>
public sealed record Connection(string BaseUrl, string? ApiKey, string? OrgId, string? WorkspaceId)
{
    /// <summary>The config context the settings came from.</summary>
    public string ContextName { get; init; } = "default";

    public static Connection Resolve(GlobalSettings s)
    {
        var config = CliConfig.Load();
        var named = s.ContextName is not null;
        var name = s.ContextName ?? config.CurrentContext;
        var ctx = !named ? config.Current
            : config.Contexts.TryGetValue(name, out var c) ? c
            : throw new CliException(ExitCodes.NotFound, $"no context named '{name}' in {CliConfig.FilePath} (see axme context list)");
        static string? Env(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v : null;
        string? Pick(string? flag, string variable, string? fromContext) =>
            flag ?? (named ? fromContext ?? Env(variable) : Env(variable) ?? fromContext);
        return new Connection(
            Pick(s.BaseUrl, "AXME_BASE_URL", ctx.BaseUrl) ?? CliConfig.DefaultBaseUrl,
            Pick(s.ApiKey, "AXME_API_KEY", ctx.ApiKey),
            Pick(null, "AXME_ORG_ID", ctx.OrgId),
            Pick(null, "AXME_WORKSPACE_ID", ctx.WorkspaceId))
        {
            ContextName = name,
            // A signed-in person's access token is renewed when it is about to expire (only the context's own).
            ActorToken = Sessions.Fresh(name, Pick(s.BaseUrl, "AXME_BASE_URL", ctx.BaseUrl) ?? CliConfig.DefaultBaseUrl, Pick(s.ActorToken, "AXME_ACTOR_TOKEN", ctx.ActorToken)),
            OwnerAgent = Pick(s.OwnerAgent, "AXME_OWNER_AGENT", ctx.OwnerAgent),
        };
    }

    /// <summary>A human user's actor token (Authorization: Bearer).</summary>
    public string? ActorToken { get; init; }

    /// <summary>The agent the commands act for (x-owner-agent).</summary>
    public string? OwnerAgent { get; init; }

    public AxmeClient CreateClient() =>
        new(new AxmeClientOptions { BaseUrl = BaseUrl, ApiKey = ApiKey, ActorToken = ActorToken, OwnerAgent = OwnerAgent, MaxRetries = 1 });
}

/// <summary>Base of every command: resolves the connection and turns failures into messages and exit codes.</summary>
public abstract class AxmeCommand<TSettings> : AsyncCommand<TSettings> where TSettings : GlobalSettings
{
    protected static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(settings, cancellationToken);
        }
        catch (CliException e)
        {
            return Fail(e.ExitCode, e.Message);
        }
        catch (AxmeException e)
        {
            var code = e switch
            {
                AxmeNotFoundException => ExitCodes.NotFound,
                AxmeAuthException => ExitCodes.Auth,
                AxmeConflictException => ExitCodes.Conflict,
                AxmeValidationException => ExitCodes.Usage,
                _ when e.StatusCode == HttpStatusCode.NotFound => ExitCodes.NotFound,
                _ when e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Auth,
                _ when e.StatusCode == HttpStatusCode.Conflict => ExitCodes.Conflict,
                _ when (int)e.StatusCode is >= 400 and < 500 and not 429 => ExitCodes.Usage,
                _ => ExitCodes.Server,
            };
            var text = $"{e.Code ?? "error"} (HTTP {(int)e.StatusCode}): {e.Message}";
            if (e.Details is { Count: > 0 } d) text += Environment.NewLine + d.ToJsonString(Indented);
            return Fail(code, text);
        }
        catch (HttpRequestException e)
        {
            return Fail(ExitCodes.Server, $"cannot reach the node: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail(ExitCodes.Server, "the request timed out");
        }
        catch (JsonException e)
        {
            return Fail(ExitCodes.Usage, $"invalid JSON: {e.Message}");
        }
        catch (IOException e)
        {
            return Fail(ExitCodes.Usage, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("interrupted");
            return ExitCodes.Interrupted;
        }
    }

    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken ct);

    protected static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return code;
    }

    protected static void PrintJson(JsonNode? node) => Console.Out.WriteLine(node?.ToJsonString(Indented) ?? "null");

    protected static string Esc(object? value) => Markup.Escape(value?.ToString() ?? "");

    protected static string StatusMarkup(string? status) => status switch
    {
        "COMPLETED" => $"[green]{status}[/]",
        "FAILED" or "TIMED_OUT" => $"[red]{status}[/]",
        "CANCELED" => $"[yellow]{status}[/]",
        null or "" => "",
        _ => $"[blue]{Esc(status)}[/]",
    };

    protected static JsonObject ParseObject(string json, string what) =>
        JsonNode.Parse(json) as JsonObject ?? throw new CliException(ExitCodes.Usage, $"{what} must be a JSON object");

    protected static JsonObject ReadObjectFile(string path)
    {
        if (!File.Exists(path)) throw new CliException(ExitCodes.Usage, $"file not found: {path}");
        return ParseObject(File.ReadAllText(path), path);
    }

    /// <summary>Prints an intent's key fields as a two-column grid.</summary>
    /// <summary>A wire-contract answer as the JSON the node wrote (for --json), members the contract does not name included.</summary>
    protected static JsonObject Raw<T>(T contract) => AxpJson.Node(contract);

    protected static void PrintIntent(Intent i)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Field").AddColumn("Value");
        void Row(string name, object? value) { if (value is not null && value.ToString() != "") table.AddRow(name, Esc(value)); }
        table.AddRow("intent_id", Esc(i.IntentId));
        table.AddRow("status", StatusMarkup(i.Status));
        Row("waiting_reason", i.WaitingReason);
        Row("intent_type", i.IntentType);
        Row("from_agent", i.FromAgent);
        Row("to_agent", i.ToAgent);
        Row("pending_with", i.PendingWith is { } holder ? AxpJson.Text(holder) : null);
        Row("created_at", i.CreatedAt);
        Row("updated_at", i.UpdatedAt);
        Row("payload", i.Payload?.ToJsonString());
        Row("result", i.Result?.ToJsonString());
        Row("error", i.Error?.ToJsonString());
        Row("reason", i.Reason);
        Row("human_task", i.HumanTask?.ToJsonString());
        AnsiConsole.Write(table);
    }

    protected static string EventLine(IntentEvent e)
    {
        var extra = e.WaitingReason is not null ? $" ({e.WaitingReason})" : "";
        var actor = e.Actor is not null ? $" by {e.Actor}" : "";
        return $"[grey]#{e.Seq}[/] {Esc(e.At.ToString("HH:mm:ss"))} [bold]{Esc(e.EventType)}[/] {StatusMarkup(e.Status)}{Esc(extra)}{Esc(actor)}";
    }

    /// <summary>
    /// Follows an intent's events until a terminal one (live SSE, with a spinner for humans; one JSON line
    /// per event with --json). Returns 0 for COMPLETED, <see cref="ExitCodes.NotCompleted"/> otherwise.
    /// </summary>
    protected static async Task<int> WatchAsync(AxmeClient client, string intentId, bool json, CancellationToken ct, Action<IntentEvent>? story = null)
    {
        string? final = null;
        if (json || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            await foreach (var e in client.ObserveAsync(intentId, 0, ct))
            {
                if (json) Console.Out.WriteLine(Raw(e).ToJsonString());
                else if (story is not null) story(e);
                else AnsiConsole.MarkupLine(EventLine(e));
                if (e.IsTerminal) { final = e.Status; break; }
            }
        }
        else
        {
            await AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync($"Watching {Esc(intentId)}...", async status =>
            {
                await foreach (var e in client.ObserveAsync(intentId, 0, ct))
                {
                    if (story is not null) story(e);
                    else AnsiConsole.MarkupLine(EventLine(e));
                    status.Status($"{Esc(e.Status)} {Esc(e.WaitingReason)} — watching {Esc(intentId)}...");
                    if (e.IsTerminal) { final = e.Status; break; }
                }
            });
        }
        // A story (examples run) tells the end itself; a plain watch ends with the status.
        if (!json && story is null) AnsiConsole.MarkupLine($"Final status: {StatusMarkup(final)}");
        return final == IntentStatus.Completed ? ExitCodes.Ok : ExitCodes.NotCompleted;
    }
}

/// <summary>Opens a URL in the user's browser.</summary>
public static class Browser
{
    /// <summary>True when an opener started; false when this machine has none (the caller prints the link instead).</summary>
    public static bool TryOpen(string url)
    {
        try
        {
            var opener = OperatingSystem.IsMacOS() ? "open" : OperatingSystem.IsWindows() ? "explorer" : "xdg-open";
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(opener, url) { UseShellExecute = false, RedirectStandardError = true });
            return p is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
