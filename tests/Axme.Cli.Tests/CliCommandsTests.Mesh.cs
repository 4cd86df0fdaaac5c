using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>The agent mesh from the CLI: mesh agents, kill, resume, events.</summary>
public sealed partial class CliCommandsTests
{
    [Fact]
    public async Task Mesh_commands_show_an_agents_health_and_kill_and_resume_it()
    {
        var name = Unique("cli-mesh");
        var (id, address, key) = await AgentAsync(name);
        var agent = Fixture.Node.CreateClient(key!);
        (await agent.PostAsync("/v1/mesh/heartbeat", new { metrics = new { intents_total = 2, intents_failed = 0 }, version = "9.9" })).Ok();

        var listed = await RunAsync("mesh", "agents", "--json");
        Ok(listed);
        var row = JsonNode.Parse(listed.Stdout)!["agents"]!.AsArray().Single(a => a!["address"].Str() == address)!;
        Assert.Equal("healthy", row["health_status"].Str());
        Assert.Equal(id, row["address_id"].Str());
        var table = await RunAsync("mesh", "agents");
        Ok(table);
        Assert.Contains("9.9", table.Stdout);

        var kill = await RunAsync("mesh", "kill", name, "--reason", "cli test");
        Ok(kill);
        Assert.Contains("killed", kill.Stdout);
        (await agent.GetJsonAsync("/v1/intents")).Error(System.Net.HttpStatusCode.Forbidden, "agent_killed");
        Assert.Contains(JsonNode.Parse((await RunAsync("mesh", "agents", "--health", "killed", "--json")).Stdout)!["agents"]!.AsArray(), a => a!["address"].Str() == address);
        var events = await RunAsync("mesh", "events", "--type", "agent.killed", "--json");
        Ok(events);
        Assert.Contains(JsonNode.Parse(events.Stdout)!["events"]!.AsArray(), e => e!["address"].Str() == address && e["details"]!["reason"].Str() == "cli test");

        Ok(await RunAsync("mesh", "resume", id));
        (await agent.GetJsonAsync("/v1/intents")).Ok();
    }

    [Fact]
    public async Task Mesh_dashboard_prints_a_one_time_link_that_signs_in_to_the_mesh_page()
    {
        var r = await RunAsync("mesh", "dashboard", "--no-browser");
        Ok(r);
        var link = r.Stdout.Trim();
        Assert.StartsWith(Fixture.Node.BaseAddress.ToString().TrimEnd('/') + "/auth/exchange?token=", link);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var exchanged = await browser.GetAsync(link);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, exchanged.StatusCode);
        Assert.Equal("/inbox/mesh", exchanged.Headers.Location!.ToString());
        Assert.Equal(System.Net.HttpStatusCode.Gone, (await browser.GetAsync(link)).StatusCode); // once
        var json = await RunAsync("mesh", "dashboard", "--json");
        Ok(json);
        Assert.Equal(300, JsonNode.Parse(json.Stdout)!["expires_in"]!.GetValue<int>());
    }
}
