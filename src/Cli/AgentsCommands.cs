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
