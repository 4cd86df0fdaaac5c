using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;

namespace Axme.Cli;

/// <summary>One line of axme doctor: ok, fail, warn or skip; a failure carries the exit code it stands for.</summary>
public sealed record DoctorCheck(string Name, string State, string Detail, int Code = ExitCodes.Ok)
{
    public JsonObject ToJson() => new() { ["name"] = Name, ["state"] = State, ["ok"] = State != "fail", ["detail"] = Detail };
}

/// <summary>
/// axme doctor: config file (valid JSON, mode 0600), base URL, reachability and GET /health, an API key and
/// whether the node accepts it, who it belongs to, and the cloud-only account session (§11.1, best effort:
/// this node has none, so it is skipped, never failed). Exits with the code of the first failed check.
/// </summary>
public sealed class DoctorCommand : AxmeCommand<GlobalSettings>
{
    protected override async Task<int> RunAsync(GlobalSettings s, CancellationToken ct)
    {
        var checks = new List<DoctorCheck>();
        Connection conn;
        try
        {
            conn = Connection.Resolve(s);
            checks.Add(ConfigFileCheck());
        }
        catch (CliException e)
        {
            checks.Add(new DoctorCheck("config file", "fail", e.Message, e.ExitCode));
            var env = static (string n) => Environment.GetEnvironmentVariable(n) is { Length: > 0 } v ? v : null;
            conn = new Connection(s.BaseUrl ?? env("AXME_BASE_URL") ?? CliConfig.DefaultBaseUrl, s.ApiKey ?? env("AXME_API_KEY"), null, null)
            { ContextName = s.ContextName ?? "(none)" };
        }

        var urlOk = Uri.TryCreate(conn.BaseUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https";
        checks.Add(urlOk ? new DoctorCheck("base URL", "ok", conn.BaseUrl)
            : new DoctorCheck("base URL", "fail", $"not an http(s) URL: {conn.BaseUrl}", ExitCodes.Usage));

        var reachable = false;
        if (urlOk)
        {
            using var client = new AxmeClient(new AxmeClientOptions { BaseUrl = conn.BaseUrl, ApiKey = conn.ApiKey, MaxRetries = 0 });
            using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
            window.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                var health = await client.GetHealthAsync(window.Token);
                reachable = true;
                checks.Add(new DoctorCheck("node reachable", "ok", conn.BaseUrl));
                var ok = health["ok"] is not JsonValue v || !v.TryGetValue<bool>(out var b) || b;
                checks.Add(ok ? new DoctorCheck("health", "ok", $"{health["service"]} {health["version"]} ({health["deployment_profile"]}, {health["storage"]})".Trim())
                    : new DoctorCheck("health", "fail", health.ToJsonString(), ExitCodes.Server));
            }
            catch (AxmeException e)
            {
                reachable = true;
                checks.Add(new DoctorCheck("node reachable", "ok", conn.BaseUrl));
                checks.Add(new DoctorCheck("health", "fail", $"GET /health: HTTP {(int)e.StatusCode} {e.Message}", ExitCodes.Server));
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException && !ct.IsCancellationRequested)
            {
                checks.Add(new DoctorCheck("node reachable", "fail", $"{conn.BaseUrl}: {(e is OperationCanceledException ? "no answer within 10 s" : e.Message)}", ExitCodes.Server));
                checks.Add(new DoctorCheck("health", "skip", "node not reachable"));
            }
        }

        if (conn.ApiKey is null)
            checks.Add(new DoctorCheck("API key", "fail", "none configured (axme context set --api-key …, or AXME_API_KEY)", ExitCodes.Auth));
        else if (!reachable)
            checks.Add(new DoctorCheck("API key", "skip", $"{KeyHint.Of(conn.ApiKey)} not checked: node not reachable"));
        else
            checks.AddRange(await KeyChecksAsync(conn, ct));

        var failed = checks.FirstOrDefault(c => c.State == "fail");
        if (s.Json)
        {
            PrintJson(new JsonObject
            {
                ["ok"] = failed is null, ["context"] = conn.ContextName, ["base_url"] = conn.BaseUrl,
                ["checks"] = new JsonArray([.. checks.Select(c => (JsonNode)c.ToJson())]),
            });
        }
        else
        {
            AnsiConsole.MarkupLine($"[bold]axme doctor[/] [grey]context {Esc(conn.ContextName)}, {Esc(conn.BaseUrl)}[/]");
            var width = checks.Max(c => c.Name.Length);
            foreach (var c in checks)
            {
                var mark = c.State switch { "ok" => "[green]✓[/]", "fail" => "[red]✗[/]", "warn" => "[yellow]![/]", _ => "[grey]–[/]" };
                AnsiConsole.MarkupLine($" {mark} {Esc(c.Name.PadRight(width))}  {(c.State == "fail" ? "[red]" + Esc(c.Detail) + "[/]" : Esc(c.Detail))}");
            }
            var failures = checks.Count(c => c.State == "fail");
            AnsiConsole.MarkupLine(failures == 0 ? "[green]All checks passed.[/]" : $"[red]{failures} check(s) failed.[/]");
        }
        return failed?.Code ?? ExitCodes.Ok;
    }

    /// <summary>The config file must parse and, holding API keys, be readable by its owner only.</summary>
    private static DoctorCheck ConfigFileCheck()
    {
        var path = CliConfig.FilePath;
        if (!File.Exists(path)) return new DoctorCheck("config file", "ok", $"{path} not present (flags and AXME_* variables only)");
        if (OperatingSystem.IsWindows()) return new DoctorCheck("config file", "ok", path);
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
        return (mode & others) == 0
            ? new DoctorCheck("config file", "ok", $"{path} (mode {octal})")
            : new DoctorCheck("config file", "fail", $"{path} has mode {octal}: others can read its API keys (chmod 600 {path})", ExitCodes.Usage);
    }

    private static async Task<IEnumerable<DoctorCheck>> KeyChecksAsync(Connection conn, CancellationToken ct)
    {
        var hint = KeyHint.Of(conn.ApiKey)!;
        using var client = new AxmeClient(new AxmeClientOptions { BaseUrl = conn.BaseUrl, ApiKey = conn.ApiKey, MaxRetries = 0 });
        try
        {
            await client.ListAgentsAsync(1, ct);
        }
        catch (AxmeException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return [new DoctorCheck("API key accepted", "fail", $"{hint}: {e.Code ?? "refused"} (HTTP {(int)e.StatusCode}): {e.Message}", ExitCodes.Auth)];
        }
        catch (AxmeException e)
        {
            return [new DoctorCheck("API key accepted", "fail", $"{hint}: HTTP {(int)e.StatusCode}: {e.Message}", ExitCodes.Server)];
        }
        var list = new List<DoctorCheck> { new("API key accepted", "ok", hint) };
        try
        {
            var me = await Identity.ResolveAsync(client, conn.ApiKey!, ct);
            if (me.Account is { } a)
            {
                list.Add(new DoctorCheck("identity", "ok", $"{a.AgentAddress} ({me.KeyKind}, {a.OrgId}/{a.WorkspaceId})"));
                if (!a.IsAdmin && conn.OrgId is not null && conn.WorkspaceId is not null && (conn.OrgId != a.OrgId || conn.WorkspaceId != a.WorkspaceId))
                    list.Add(new DoctorCheck("context workspace", "warn", $"the context names {conn.OrgId}/{conn.WorkspaceId} but the key belongs to {a.OrgId}/{a.WorkspaceId}"));
            }
            else list.Add(new DoctorCheck("identity", "warn", "the node does not list the key's account"));
        }
        catch (AxmeException e)
        {
            list.Add(new DoctorCheck("identity", "warn", $"HTTP {(int)e.StatusCode}: {e.Message}"));
        }
        list.Add(await Probe.GetAsync(conn, "v1/portal/personal/context", ct) is (HttpStatusCode.OK, _)
            ? new DoctorCheck("account session", "ok", "signed in")
            : new DoctorCheck("account session", "skip", "not offered by this node (API keys only); nothing to check"));
        return list;
    }
}

/// <summary>Best-effort GETs of routes the official CLI calls but this node may not have (§11.1 "failure tolerated").</summary>
internal static class Probe
{
    /// <summary>The status and JSON object body (default timeout 5 s), or null when the node cannot be reached.</summary>
    public static async Task<(HttpStatusCode Status, JsonObject? Body)?> GetAsync(Connection c, string path, CancellationToken ct, TimeSpan? timeout = null)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(c.BaseUrl.TrimEnd('/') + "/"), Timeout = timeout ?? TimeSpan.FromSeconds(5) };
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (c.ApiKey is not null) http.DefaultRequestHeaders.TryAddWithoutValidation("x-api-key", c.ApiKey);
            using var response = await http.GetAsync(path, ct);
            JsonObject? body = null;
            try { body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) as JsonObject; }
            catch (JsonException) { /* not JSON: only the status counts */ }
            return (response.StatusCode, body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
