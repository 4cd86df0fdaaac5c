using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

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
            PrintJson(new JsonObject { ["service_account"] = Raw(r.Account), ["key"] = r.Key is null ? null : Raw(r.Key) });
            return 0;
        }
        AnsiConsole.MarkupLine($"Registered [bold]{Esc(r.Account.AgentAddress)}[/] (service account {Esc(r.Account.ServiceAccountId)})");
        if (r.Key?.Token is { } token) AnsiConsole.MarkupLine($"API key (shown once): [yellow]{Esc(token)}[/]");
        return 0;
    }
}

public sealed class AgentsListCommand : AxmeCommand<ListSettings>
{
    protected override async Task<int> RunAsync(ListSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var agents = await client.ListAgentsAsync(s.Limit, ct);
        if (s.Json) { PrintJson(new JsonArray(agents.Select(a => (JsonNode)Raw(a)).ToArray())); return 0; }
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
        if (s.Json) { PrintJson(Raw(a)); return 0; }
        var t = new Table().AddColumn("Field").AddColumn("Value");
        foreach (var (k, v) in Raw(a)) t.AddRow(Esc(k), Esc(v is JsonValue ? v.ToString() : v?.ToJsonString()));
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

public sealed class AgentListenSettings : GlobalSettings
{
    [CommandArgument(0, "<address>")]
    [Description("The agent: agent://org/workspace/name, or its bare name in the key's workspace")]
    public string Address { get; set; } = "";

    [CommandOption("--since <N>")]
    [Description("Exclusive stream cursor: only deliveries after it (default 0: every pending one)")]
    [DefaultValue(0L)]
    public long Since { get; set; }

    [CommandOption("--count <N>")]
    [Description("Exit after N deliveries")]
    public int? Count { get; set; }

    [CommandOption("--once")]
    [Description("Exit after the first delivery (= --count 1)")]
    public bool Once { get; set; }

    [CommandOption("--wait-seconds <N>")]
    [Description("How long each stream window stays open before the CLI reconnects with its cursor (1-60)")]
    [DefaultValue(15)]
    public int WaitSeconds { get; set; } = 15;
}

/// <summary>
/// axme agents listen: the agent's delivery stream (GET /v1/agents/{address}/intents/stream, PROTOCOL §6.4)
/// through the SDK's ListenAsync, which reconnects with its cursor. Each delivery is printed as it arrives
/// (one JSON object per line with --json) until Ctrl-C or --count. Any key of the agent's workspace may
/// listen, the agent's own key included. The node marks each intent DELIVERED as it hands it out.
/// </summary>
public sealed class AgentsListenCommand : AxmeCommand<AgentListenSettings>
{
    protected override async Task<int> RunAsync(AgentListenSettings s, CancellationToken ct)
    {
        var limit = s.Once ? 1 : s.Count;
        if (limit is <= 0) throw new CliException(ExitCodes.Usage, "--count must be at least 1");
        if (s.Since < 0) throw new CliException(ExitCodes.Usage, "--since must be 0 or more");
        if (s.WaitSeconds is < 1 or > 60) throw new CliException(ExitCodes.Usage, "--wait-seconds must be between 1 and 60");
        var conn = Connection.Resolve(s);
        using var client = new AxmeClient(new AxmeClientOptions
        {
            BaseUrl = conn.BaseUrl, ApiKey = conn.ApiKey, MaxRetries = 1, StreamWaitSeconds = s.WaitSeconds,
        });
        if (!s.Json)
            AnsiConsole.MarkupLine($"[grey]Listening for deliveries to {Esc(s.Address)} (since {s.Since}){(limit is null ? ", Ctrl-C to stop" : $", until {limit} arrive")}...[/]");
        var received = 0;
        long cursor = s.Since;
        try
        {
            await foreach (var d in client.ListenAsync(s.Address, s.Since, ct))
            {
                received++;
                cursor = Math.Max(cursor, d.Seq ?? cursor);
                if (s.Json) Console.Out.WriteLine(Raw(d).ToJsonString());
                else PrintDelivery(d);
                if (received == limit) break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl-C is how a listener is meant to stop.
        }
        if (!s.Json) AnsiConsole.MarkupLine($"[grey]{received} deliver{(received == 1 ? "y" : "ies")}; resume with --since {cursor}[/]");
        return 0;
    }

    private static void PrintDelivery(AgentDelivery d)
    {
        var payload = d.Payload?.ToJsonString() ?? "(not inline: axme intents get " + d.IntentId + ")";
        if (payload.Length > 120) payload = payload[..117] + "...";
        var attempt = d.DeliveryAttempt > 1 ? $" [yellow]attempt {d.DeliveryAttempt}[/]" : "";
        AnsiConsole.MarkupLine($"[grey]#{d.Seq} {Esc(d.At.ToLocalTime().ToString("HH:mm:ss"))}[/] [bold]{Esc(d.IntentId)}[/] {StatusMarkup(d.Status)}{attempt}");
        AnsiConsole.MarkupLine($"    [blue]{Esc(d.IntentType)}[/] from {Esc(d.FromAgent ?? "?")}  payload: {Esc(payload)}");
    }
}

public sealed class AgentKeySettings : GlobalSettings
{
    [CommandOption("--agent-id <SA>")]
    [Description("The agent's service account id (sa_…), or its address")]
    public string? AgentId { get; set; }

    [CommandOption("--expires-at <TIME>")]
    [Description("When the key expires (RFC 3339, e.g. 2030-01-01T00:00:00Z; default never)")]
    public string? ExpiresAt { get; set; }

    [CommandOption("--key-id <KEY>")]
    [Description("The key (sak_…) to revoke")]
    public string? KeyId { get; set; }

    /// <summary>The service account: given as an id, or found through the agent directory when an address is given.</summary>
    internal async Task<string> ServiceAccountAsync(AxmeClient client, CancellationToken ct)
    {
        var id = AgentId ?? throw new CliException(ExitCodes.Usage, "--agent-id is required (the agent's service account id, sa_…)");
        if (!id.StartsWith("agent://", StringComparison.Ordinal) && !id.Contains('/', StringComparison.Ordinal)) return id;
        return (await client.GetAgentAsync(id, ct)).ServiceAccountId ?? throw new CliException(ExitCodes.NotFound, $"agent {id} has no service account");
    }
}

/// <summary>axme agents keys create: POST /v1/service-accounts/{SA}/keys {expires_at?}; the token is shown this once.</summary>
public sealed class AgentKeysCreateCommand : AxmeCommand<AgentKeySettings>
{
    protected override async Task<int> RunAsync(AgentKeySettings s, CancellationToken ct)
    {
        DateTimeOffset? expires = null;
        if (s.ExpiresAt is not null)
        {
            if (!DateTimeOffset.TryParse(s.ExpiresAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var e))
                throw new CliException(ExitCodes.Usage, $"--expires-at is not a timestamp: {s.ExpiresAt}");
            expires = e;
        }
        using var client = Connection.Resolve(s).CreateClient();
        var key = await client.CreateKeyAsync(await s.ServiceAccountAsync(client, ct), expires, ct);
        if (s.Json) { PrintJson(Raw(key)); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumn("Field").AddColumn("Value");
        t.AddRow("key_id", Esc(key.KeyId));
        t.AddRow("service_account_id", Esc(key.ServiceAccountId));
        t.AddRow("key_hint", Esc(key.KeyHint));
        t.AddRow("expires_at", Esc(key.ExpiresAt?.ToString("u") ?? "never"));
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine($"API key (shown once, store it now): [yellow]{Esc(key.Token)}[/]");
        return 0;
    }
}

/// <summary>axme agents keys revoke: POST /v1/service-accounts/{SA}/keys/{K}/revoke; the key is refused from then on.</summary>
public sealed class AgentKeysRevokeCommand : AxmeCommand<AgentKeySettings>
{
    protected override async Task<int> RunAsync(AgentKeySettings s, CancellationToken ct)
    {
        var keyId = s.KeyId ?? throw new CliException(ExitCodes.Usage, "--key-id is required");
        using var client = Connection.Resolve(s).CreateClient();
        var key = await client.RevokeKeyAsync(await s.ServiceAccountAsync(client, ct), keyId, ct);
        if (s.Json) PrintJson(Raw(key));
        else AnsiConsole.MarkupLine($"Revoked key [bold]{Esc(key.KeyId)}[/] of {Esc(key.ServiceAccountId)} ({Esc(key.Status)})");
        return 0;
    }
}
