using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>The CLI commands, continued: contexts, whoami, doctor and the agent directory.</summary>
public sealed partial class CliCommandsTests
{
    // ---- contexts ----

    [Fact]
    public async Task Context_use_switches_the_node_and_key_that_commands_use_and_list_never_shows_keys()
    {
        var deadUrl = $"http://127.0.0.1:{NodeProcess.FreePort()}";
        const string deadKey = "dead-key-secret-0123456789abcdef";
        Ok(await RunAsync(NoEnvironment, "context", "set", "good", "--base-url", Fixture.Node.BaseAddress.ToString(), "--api-key", Fixture.Key, "--org-id", "acme", "--workspace-id", "prod"));
        Ok(await RunAsync(NoEnvironment, "context", "set", "dead", "--base-url", deadUrl, "--api-key", deadKey));

        // set made "dead" current: commands go to the dead node.
        Assert.Equal(5, (await RunAsync(NoEnvironment, "intents", "list")).ExitCode);

        var use = await RunAsync(NoEnvironment, "context", "use", "good");
        Ok(use);
        Ok(await RunAsync(NoEnvironment, "intents", "list", "--json"));
        var show = await RunAsync(NoEnvironment, "context", "show", "--json");
        Assert.Equal("good", show.Json["context"].Str());
        Assert.Equal(Fixture.Node.BaseAddress.ToString(), show.Json["base_url"].Str());

        var list = await RunAsync(NoEnvironment, "context", "list", "--json");
        Ok(list);
        Assert.Equal("good", list.Json["current_context"].Str());
        var contexts = list.Json["contexts"]!.AsArray();
        Assert.Equal(["dead", "good"], contexts.Select(c => c!["name"].Str()).ToArray());
        Assert.True(contexts.Single(c => c!["name"].Str() == "good")!["current"]!.GetValue<bool>());
        Assert.Equal(deadUrl, contexts.Single(c => c!["name"].Str() == "dead")!["base_url"].Str());
        var table = await RunAsync(NoEnvironment, "context", "list");
        Ok(table);
        foreach (var output in new[] { list.Stdout, table.Stdout, show.Stdout })
        {
            Assert.DoesNotContain(Fixture.Key, output, StringComparison.Ordinal);
            Assert.DoesNotContain(deadKey, output, StringComparison.Ordinal);
            Assert.DoesNotContain(Fixture.Key[^12..], output, StringComparison.Ordinal);
        }
        Assert.Contains("****", table.Stdout, StringComparison.Ordinal);

        // --context-name picks a context for one command, and wins over the environment.
        Assert.Equal(5, (await RunAsync(NoEnvironment, "intents", "list", "--context-name", "dead")).ExitCode);
        Ok(await RunAsync(new Dictionary<string, string?> { ["AXME_API_KEY"] = "not-a-key" }, "intents", "list", "--context-name", "good"));
        Assert.Equal(3, (await RunAsync(new Dictionary<string, string?> { ["AXME_API_KEY"] = "not-a-key" }, "intents", "list")).ExitCode);

        Assert.Equal(2, (await RunAsync(NoEnvironment, "context", "use", "nope")).ExitCode);
        Assert.Equal(2, (await RunAsync(NoEnvironment, "intents", "list", "--context-name", "nope")).ExitCode);
    }

    // ---- whoami and doctor ----

    [Fact]
    public async Task Whoami_names_the_keys_agent_workspace_and_key_and_tells_an_admin_key()
    {
        var r = await RunAsync("whoami", "--json");
        Ok(r);
        Assert.Equal(Fixture.Address, r.Json["agent_address"].Str());
        Assert.Equal("acme", r.Json["org_id"].Str());
        Assert.Equal("prod", r.Json["workspace_id"].Str());
        Assert.Equal("agent", r.Json["key_kind"].Str());
        Assert.False(r.Json["is_admin"]!.GetValue<bool>());
        var sa = r.Json["service_account_id"].Str();
        var keys = (await Fixture.A.GetJsonAsync($"/v1/service-accounts/{sa}")).Ok()["service_account"]!["keys"]!.AsArray();
        Assert.Equal(Assert.Single(keys)!["key_id"].Str(), r.Json["key_id"].Str());
        Assert.DoesNotContain(Fixture.Key, r.Stdout, StringComparison.Ordinal);

        // Two keys of one account share their hint: only the node can say which one is in use.
        var two = (await Fixture.A.PostAsync("/v1/service-accounts", new { name = "whoami-two" })).Ok()["service_account"]!["service_account_id"].Str();
        var firstKey = (await Fixture.A.PostAsync($"/v1/service-accounts/{two}/keys", new { })).Ok()["key"]!;
        var secondKey = (await Fixture.A.PostAsync($"/v1/service-accounts/{two}/keys", new { })).Ok()["key"]!;
        foreach (var k in new[] { firstKey, secondKey })
        {
            var who = await RunAsync(new Dictionary<string, string?> { ["AXME_API_KEY"] = k["token"].Str() }, "whoami", "--json");
            Ok(who);
            Assert.Equal(k["key_id"].Str(), who.Json["key_id"].Str());
            Assert.Equal(two, who.Json["service_account_id"].Str());
        }

        var admin = await RunAsync(new Dictionary<string, string?> { ["AXME_API_KEY"] = Fixture.Node.AdminKey }, "whoami", "--json");
        Ok(admin);
        Assert.Equal("admin", admin.Json["key_kind"].Str());
        Assert.True(admin.Json["is_admin"]!.GetValue<bool>());

        var human = await RunAsync("whoami");
        Ok(human);
        Assert.Contains(Fixture.Address, human.Stdout, StringComparison.Ordinal);

        Assert.Equal(3, (await RunAsync(new Dictionary<string, string?> { ["AXME_API_KEY"] = "axme_sa_sa_nobody_0123456789" }, "whoami")).ExitCode);
        Assert.Equal(3, (await RunAsync(new Dictionary<string, string?> { ["AXME_API_KEY"] = "not-a-key" }, "whoami")).ExitCode);
    }

    [Fact]
    public async Task Doctor_passes_with_a_good_key_and_fails_with_a_bad_key_a_dead_node_or_an_open_config_file()
    {
        var good = await RunAsync("doctor", "--json");
        Ok(good);
        Assert.True(good.Json["ok"]!.GetValue<bool>());
        JsonNode Check(CliResult r, string name) => r.Json["checks"]!.AsArray().Single(c => c!["name"].Str() == name)!;
        Assert.Equal("ok", Check(good, "health")["state"].Str());
        Assert.Equal("ok", Check(good, "API key accepted")["state"].Str());
        Assert.Contains(Fixture.Address, Check(good, "identity")["detail"].Str(), StringComparison.Ordinal);
        Assert.Equal("skip", Check(good, "account session")["state"].Str());

        var badKey = await RunAsync(new Dictionary<string, string?> { ["AXME_API_KEY"] = "not-a-valid-key-0000" }, "doctor", "--json");
        Assert.Equal(3, badKey.ExitCode);
        Assert.False(badKey.Json["ok"]!.GetValue<bool>());
        Assert.Equal("fail", Check(badKey, "API key accepted")["state"].Str());
        Assert.Equal("ok", Check(badKey, "health")["state"].Str());
        var badKeyText = await RunAsync(new Dictionary<string, string?> { ["AXME_API_KEY"] = "not-a-valid-key-0000" }, "doctor");
        Assert.Equal(3, badKeyText.ExitCode);
        Assert.Contains("✗", badKeyText.Stdout, StringComparison.Ordinal);
        Assert.Contains("invalid_platform_api_key", badKeyText.Stdout, StringComparison.Ordinal);

        var dead = await RunAsync(new Dictionary<string, string?> { ["AXME_BASE_URL"] = $"http://127.0.0.1:{NodeProcess.FreePort()}" }, "doctor", "--json");
        Assert.Equal(5, dead.ExitCode);
        Assert.Equal("fail", Check(dead, "node reachable")["state"].Str());

        Ok(await RunAsync(NoEnvironment, "context", "set", "--base-url", Fixture.Node.BaseAddress.ToString(), "--api-key", Fixture.Key));
        Ok(await RunAsync(NoEnvironment, "doctor"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(_config, "axme", "config.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var open = await RunAsync(NoEnvironment, "doctor", "--json");
            Assert.Equal(1, open.ExitCode);
            Assert.Equal("fail", Check(open, "config file")["state"].Str());
            Assert.Contains("0644", Check(open, "config file")["detail"].Str(), StringComparison.Ordinal);
        }
    }

    // ---- agents register|list|show|delete ----

    [Fact]
    public async Task Agents_register_list_show_delete_round_trip()
    {
        var name = Unique("registered");
        var reg = await RunAsync("agents", "register", name, "--display-name", "Registered Bot", "--description", "from the CLI", "--json");
        Ok(reg);
        var address = reg.Json["service_account"]!["agent_address"].Str();
        Assert.Equal($"agent://acme/prod/{name}", address);
        var token = reg.Json["key"]!["token"].Str();
        using var agent = Fixture.Node.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetJsonAsync("/v1/agents")).Status);

        var list = await RunAsync("agents", "list", "--json");
        Ok(list);
        var listed = list.Json.AsArray().Single(a => a!["address"].Str() == address)!;
        Assert.Equal("Registered Bot", listed["display_name"].Str());

        var show = await RunAsync("agents", "show", address, "--json");
        Ok(show);
        Assert.Equal(reg.Json["service_account"]!["service_account_id"].Str(), show.Json["service_account_id"].Str());
        Ok(await RunAsync("agents", "show", name)); // bare name in the key's workspace

        var delete = await RunAsync("agents", "delete", address);
        Ok(delete);
        Assert.Equal(2, (await RunAsync("agents", "show", address)).ExitCode);
        (await agent.GetJsonAsync("/v1/agents")).Error(HttpStatusCode.Unauthorized);
        Assert.DoesNotContain((await RunAsync("agents", "list", "--json")).Json.AsArray(), a => a!["address"].Str() == address);
        Assert.Equal(2, (await RunAsync("agents", "delete", "sa_doesnotexist")).ExitCode);
    }
}
