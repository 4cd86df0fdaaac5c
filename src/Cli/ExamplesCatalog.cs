using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

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
