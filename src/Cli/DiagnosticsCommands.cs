using System.Net;
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
            var own = me.ServiceAccount?.Keys?.FirstOrDefault(k => k.KeyId == me.Caller.KeyId);
            return new Identity(me.ServiceAccount, own, own is null ? 0 : 1);
        }
        catch (AxmeNotFoundException)
        {
            var hint = KeyHint.Of(key);
            var account = (await client.ListServiceAccountsAsync(ct)).FirstOrDefault(a => (a.Keys ?? []).Any(k => k.KeyHint == hint && k.Status == "active"));
            var keys = (account?.Keys ?? []).Where(k => k.KeyHint == hint && k.Status == "active").ToList();
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
            ["service_account_id"] = a?.ServiceAccountId,
            ["name"] = a?.Name,
            ["display_name"] = a?.DisplayName,
            ["agent_address"] = a?.AgentAddress,
            ["kind"] = a?.Kind,
            ["is_admin"] = a?.IsAdmin,
            ["key_kind"] = me.KeyKind,
            ["key_hint"] = KeyHint.Of(conn.ApiKey),
            ["key_id"] = me.Key?.KeyId,
            ["key_expires_at"] = me.Key?.ExpiresAt is { } expires ? WireTime.Format(expires) : null,
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
