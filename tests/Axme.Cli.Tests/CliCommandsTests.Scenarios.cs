using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>Workflow templates and registered scenarios from the CLI: list-templates, the create wizard, register, list, start, delete.</summary>
public sealed partial class CliCommandsTests
{
    [Fact]
    public async Task List_templates_shows_the_built_in_templates()
    {
        var json = await RunAsync("scenarios", "list-templates", "--json");
        Ok(json);
        Assert.Equal(["delivery.stream.v1", "full.multi_agent.v1", "human.cli.v1", "human.email.v1", "internal.timeout.v1"],
            JsonNode.Parse(json.Stdout)!["macros"]!.AsArray().Select(m => m!["macro_id"].Str()));
        var table = await RunAsync("scenarios", "list-templates");
        Ok(table);
        Assert.Contains("An agent step, then a human sign-off", table.Stdout);
    }

    [Fact]
    public async Task The_wizard_writes_a_bundle_from_a_template_which_registers_and_starts_by_id()
    {
        var id = $"cli.wizard_{Guid.NewGuid():N}"[..24] + ".v1";
        var file = Path.Combine(_config, "wizard.json");
        // Answers, in the wizard's order: scenario id, description; 1 agent (role, address, create?, display name);
        // 1 human (role, contact, display name); the template's 9 parameters (title given, the rest default);
        // intent type, deadline, delivery attempts, payload.service/environment/reason; apply now? no.
        string[] answers = [id, "made by the wizard", "1", "checker", "cli-wizard-checker", "Y", "", "1", "operator", "", "Ops",
            "", "", "Ship it?", "", "", "120", "", "", "", "intent.cli.wizard.v1", "none", "3", "api", "", "", "N"];
        var wizard = await RunWithInputAsync(string.Join('\n', answers) + "\n", "scenarios", "create", "--from-template", "human.cli.v1", "-o", file);
        Ok(wizard);
        Assert.Contains($"Saved to {file}", wizard.Stdout);
        Assert.DoesNotContain("problem:", wizard.Stderr);
        var bundle = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        Assert.Equal(id, bundle["scenario_id"].Str());
        Assert.Equal("human.cli.v1", bundle["workflow"]!["macro_id"].Str());
        Assert.Equal("Ship it?", bundle["workflow"]!["parameters"]!["title"].Str());
        Assert.Equal(120, bundle["workflow"]!["parameters"]!["approval_deadline_seconds"]!.GetValue<int>());
        Assert.Equal("cli-wizard-checker", bundle["agents"]![0]!["address"].Str());

        Ok(await RunAsync("scenarios", "register", file));
        var list = await RunAsync("scenarios", "list", "--json");
        Ok(list);
        Assert.Contains(JsonNode.Parse(list.Stdout)!["scenarios"]!.AsArray(), s => s!["scenario_id"].Str() == id && s["macro_id"].Str() == "human.cli.v1");

        var started = await RunAsync("scenarios", "start", id, "--payload", """{"service": "web"}""", "-p", "title=Ship web?", "--idempotency-key", "cli-run-1", "--json");
        Ok(started);
        var intentId = JsonNode.Parse(started.Stdout)!["intent_id"].Str();
        var again = await RunAsync("scenarios", "start", id, "--payload", """{"service": "web"}""", "-p", "title=Ship web?", "--idempotency-key", "cli-run-1", "--json");
        Ok(again);
        Assert.Equal(intentId, JsonNode.Parse(again.Stdout)!["intent_id"].Str());
        Assert.True(JsonNode.Parse(again.Stdout)!["idempotent"]!.GetValue<bool>());
        Assert.Equal("web", (await IntentAsync(intentId))["payload"]!["service"].Str());

        Assert.NotEqual(0, (await RunAsync("scenarios", "start", id, "-p", "nonsense")).ExitCode);
        Ok(await RunAsync("scenarios", "delete", id));
        var gone = await RunAsync("scenarios", "start", id);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("scenario_not_found", gone.Stderr);
    }

    [Fact]
    public async Task Without_a_template_the_wizard_gives_each_agent_a_step_then_each_human_a_sign_off()
    {
        var file = Path.Combine(_config, "plain.json");
        string[] answers = ["cli.plain.v1", "", "2", "first", "", "Y", "", "second", "", "n", "", "1", "boss", "", "", "N",
            "intent.cli.plain.v1", "none", "", "", "", ""];
        Ok(await RunWithInputAsync(string.Join('\n', answers) + "\n", "scenarios", "create", "-o", file));
        var steps = JsonNode.Parse(await File.ReadAllTextAsync(file))!["workflow"]!["steps"]!.AsArray();
        Assert.Equal(["first", "second", "boss"], steps.Select(s => s!["assigned_to"].Str()));
        Assert.Equal("tool.approval.human_signoff", steps[2]!["tool_id"].Str());
        Ok(await RunAsync("scenarios", "validate", file));
    }
}
