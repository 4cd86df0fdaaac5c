using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;

namespace Axme.Cli;

/// <summary>Who an API key belongs to, as the node tells.</summary>
/// <param name="Account">The key's service account (or human user), when found.</param>
/// <param name="Key">The matching key of that account, when exactly one matches.</param>
/// <param name="Candidates">How many active keys of the account share the key's hint.</param>
public sealed record Identity(ServiceAccount? Account, ApiKey? Key, int Candidates)
{
    public string KeyKind => Account switch
    {
        null => "unknown",
        { IsAdmin: true } => "admin",
        { Kind: "human" } => "human user",
        _ => "agent",
    };

    /// <summary>
    /// The node says who the key is (GET /v1/whoami). A server without that route (404) is asked the way §11.1's
    /// whoami does: the key is looked up by its hint among the accounts its workspace lists
    /// (GET /v1/service-accounts). A refused key throws (401).
    /// </summary>
    public static async Task<Identity> ResolveAsync(AxmeClient client, string key, CancellationToken ct)
    {
        try
        {
            var me = await client.WhoAmIAsync(ct);
            var own = me.Account?.Keys.FirstOrDefault(k => k.KeyId == me.KeyId);
            return new Identity(me.Account, own, own is null ? 0 : 1);
        }
        catch (AxmeNotFoundException)
        {
            var hint = KeyHint.Of(key);
            var account = (await client.ListServiceAccountsAsync(ct)).FirstOrDefault(a => a.Keys.Any(k => k.KeyHint == hint && k.Status == "active"));
            var keys = account?.Keys.Where(k => k.KeyHint == hint && k.Status == "active").ToList() ?? [];
            return new Identity(account, keys.Count == 1 ? keys[0] : null, keys.Count);
        }
    }
}

/// <summary>axme whoami: the context and who its key belongs to (org, workspace, account, agent address, key).</summary>
public sealed class WhoamiCommand : AxmeCommand<GlobalSettings>
{
    protected override async Task<int> RunAsync(GlobalSettings s, CancellationToken ct)
    {
        var conn = Connection.Resolve(s);
        if (conn.ApiKey is null) throw new CliException(ExitCodes.Auth, "no API key configured (axme context set --api-key …, or AXME_API_KEY)");
        using var client = conn.CreateClient();
        var me = await Identity.ResolveAsync(client, conn.ApiKey, ct);
        var a = me.Account;
        var warnings = new JsonArray();
        if (a is null) warnings.Add("the key is accepted, but the node does not list its account (an admin key of another workspace?)");
        if (a is not null && conn.OrgId is not null && conn.WorkspaceId is not null && !a.IsAdmin && (conn.OrgId != a.OrgId || conn.WorkspaceId != a.WorkspaceId))
            warnings.Add($"the context names {conn.OrgId}/{conn.WorkspaceId} but the key belongs to {a.OrgId}/{a.WorkspaceId}");
        var o = new JsonObject
        {
            ["context"] = conn.ContextName,
            ["base_url"] = conn.BaseUrl,
            ["org_id"] = a?.OrgId ?? conn.OrgId,
            ["workspace_id"] = a?.WorkspaceId ?? conn.WorkspaceId,
            ["service_account_id"] = a?.Id,
            ["name"] = a?.Name,
            ["display_name"] = a?.DisplayName,
            ["agent_address"] = a?.AgentAddress,
            ["kind"] = a?.Kind,
            ["is_admin"] = a?.IsAdmin,
            ["key_kind"] = me.KeyKind,
            ["key_hint"] = KeyHint.Of(conn.ApiKey),
            ["key_id"] = me.Key?.KeyId,
            ["key_expires_at"] = me.Key?.Raw["expires_at"]?.DeepClone(),
        };
        // §11.1: the official CLI also reads the cloud's personal context; this node has none, which is tolerated.
        if (await Probe.GetAsync(conn, "v1/portal/personal/context", ct) is (HttpStatusCode.OK, { } personal)) o["account"] = personal;
        if (warnings.Count > 0) o["warnings"] = warnings;
        if (s.Json)
        {
            PrintJson(o);
            return 0;
        }
        var t = new Table().Border(TableBorder.Rounded).AddColumn("Field").AddColumn("Value");
        foreach (var (k, v) in o)
            if (k is not ("warnings" or "account") && v is not null) t.AddRow(Esc(k), Esc(v is JsonValue ? v.ToString() : v.ToJsonString()));
        if (me.Key is null && me.Candidates > 1) t.AddRow("key_id", Esc($"one of {me.Candidates} active keys with this hint"));
        AnsiConsole.Write(t);
        foreach (var w in warnings) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Esc(w)}");
        return 0;
    }
}

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

/// <summary>axme version: the CLI's version and .NET, and the node's version from GET /health when it answers.</summary>
public sealed class VersionCommand : AxmeCommand<GlobalSettings>
{
    public static string CliVersion =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionCommand).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    protected override async Task<int> RunAsync(GlobalSettings s, CancellationToken ct)
    {
        Connection? conn = null;
        try { conn = Connection.Resolve(s); }
        catch (CliException) { /* a broken config must not hide the version */ }
        JsonObject? node = null;
        string? nodeError = null;
        if (conn is not null)
        {
            using var client = new AxmeClient(new AxmeClientOptions { BaseUrl = conn.BaseUrl, ApiKey = conn.ApiKey, MaxRetries = 0 });
            using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
            window.CancelAfter(TimeSpan.FromSeconds(3));
            try { node = await client.GetHealthAsync(window.Token); }
            catch (Exception e) when (e is AxmeException or HttpRequestException or OperationCanceledException or JsonException or UriFormatException && !ct.IsCancellationRequested)
            {
                nodeError = e is OperationCanceledException ? "no answer within 3 s" : e.Message;
            }
        }
        if (s.Json)
        {
            PrintJson(new JsonObject
            {
                ["cli_version"] = CliVersion, ["dotnet"] = RuntimeInformation.FrameworkDescription, ["os"] = RuntimeInformation.OSDescription,
                ["base_url"] = conn?.BaseUrl, ["node"] = node, ["node_error"] = nodeError,
            });
            return 0;
        }
        AnsiConsole.MarkupLine($"axme [bold]{Esc(CliVersion)}[/] [grey]({Esc(RuntimeInformation.FrameworkDescription)}, {Esc(RuntimeInformation.OSDescription)})[/]");
        if (node is not null) AnsiConsole.MarkupLine($"node [bold]{Esc(node["version"])}[/] [grey]at {Esc(conn!.BaseUrl)} ({Esc(node["service"])}, {Esc(node["deployment_profile"])})[/]");
        else if (conn is not null) AnsiConsole.MarkupLine($"[grey]node at {Esc(conn.BaseUrl)}: {Esc(nodeError)}[/]");
        return 0;
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
