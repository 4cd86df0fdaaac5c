using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>Organizations, workspaces and members from the CLI (issue 14 item 1, docs/adr/026).</summary>
public sealed partial class CliCommandsTests
{
    [Fact]
    public async Task Org_workspace_and_member_commands_manage_a_tenant_and_workspace_use_switches_the_context()
    {
        var admin = new Dictionary<string, string?> { ["AXME_API_KEY"] = Fixture.Node.AdminKey };
        var org = Unique("cli-org");
        var created = await RunAsync(admin, "org", "create", "CLI Org", "--id", org, "--json");
        Ok(created);
        Assert.Equal((org, "active"), (created.Json["org_id"].Str(), created.Json["status"].Str()));
        Ok(await RunAsync(admin, "workspace", "create", "Main Line", "--org", org, "--environment", "staging"));
        var listed = await RunAsync(admin, "workspace", "list", "--org", org, "--json");
        Ok(listed);
        Assert.Equal("main-line", Assert.Single(listed.Json["workspaces"]!.AsArray())!["workspace_id"].Str());
        Assert.Contains(org, (await RunAsync(admin, "org", "list")).Stdout);

        var used = await RunAsync(admin, "workspace", "use", "main-line", "--org", org);
        Ok(used);
        var context = await RunAsync(admin, "context", "show", "--json");
        Assert.Equal((org, "main-line"), (context.Json["org_id"].Str(), context.Json["workspace_id"].Str()));
        // The context's organization is now the default of the tenancy commands.
        var shown = await RunAsync(admin, "org", "show", "--json");
        Ok(shown);
        Assert.Equal(1, shown.Json["workspaces_count"]!.GetValue<int>());
        Assert.Equal(2, (await RunAsync(admin, "workspace", "use", "nope")).ExitCode);

        var member = await RunAsync(admin, "member", "add", "usr_cli", "--role", "member", "--workspace", "main-line", "--json");
        Ok(member);
        var memberId = member.Json["member_id"].Str();
        var updated = await RunAsync(admin, "member", "update", memberId, "--role", "org_admin", "--json");
        Ok(updated);
        Assert.Equal("org_admin", updated.Json["role"].Str());
        Assert.Contains("usr_cli", (await RunAsync(admin, "member", "list")).Stdout);
        Ok(await RunAsync(admin, "member", "remove", memberId));
        Assert.DoesNotContain(JsonNode.Parse((await RunAsync(admin, "member", "list", "--json")).Stdout)!["members"]!.AsArray(), m => m!["member_id"].Str() == memberId);

        var suspended = await RunAsync(admin, "workspace", "update", "main-line", "--status", "suspended", "--json");
        Ok(suspended);
        Assert.Equal("suspended", suspended.Json["status"].Str());
        Assert.Equal("Renamed", (await RunAsync(admin, "org", "update", "--name", "Renamed", "--json")).Json["name"].Str());

        // A workspace key sees its own organization, and may not create one.
        var own = await RunAsync("org", "list", "--json");
        Ok(own);
        Assert.Equal("acme", Assert.Single(own.Json["organizations"]!.AsArray())!["org_id"].Str());
        Assert.Equal(3, (await RunAsync("org", "create", "Not Mine")).ExitCode); // 403: an admin key creates organizations
    }

    [Fact]
    public async Task Quota_show_and_set_read_and_change_the_workspaces_limits()
    {
        var admin = new Dictionary<string, string?> { ["AXME_API_KEY"] = Fixture.Node.AdminKey };
        var org = Unique("cli-quota");
        Ok(await RunAsync(admin, "org", "create", "CLI Quota", "--id", org));
        Ok(await RunAsync(admin, "workspace", "create", "Main", "--org", org, "--environment", "production"));

        var set = await RunAsync(admin, "quota", "set", "intents_per_day=5", "open_human_tasks=7", "--org", org, "--workspace", "main", "--enforce", "--json");
        Ok(set);
        Assert.Equal((5L, 7L, "block"), (set.Json["dimensions"]!["intents_per_day"]!.GetValue<long>(), set.Json["dimensions"]!["open_human_tasks"]!.GetValue<long>(),
            set.Json["overage_mode"].Str()));
        var shown = await RunAsync(admin, "quota", "show", "--org", org, "--workspace", "main", "--json");
        Ok(shown);
        var intents = shown.Json["usage_summary"]!["dimensions"]!["intents_per_day"]!;
        Assert.Equal((0L, 5L, 5L), (intents["used"]!.GetValue<long>(), intents["limit"]!.GetValue<long>(), intents["remaining"]!.GetValue<long>()));
        var table = await RunAsync(admin, "quota", "show", "--org", org, "--workspace", "main");
        Ok(table);
        Assert.Contains("enforced", table.Stdout);
        Assert.Contains("open_human_tasks", table.Stdout);
        Assert.Equal(1, (await RunAsync(admin, "quota", "set", "intents_per_day=lots", "--org", org, "--workspace", "main")).ExitCode);
        Assert.Equal(1, (await RunAsync(admin, "quota", "set", "intents_per_hour=5", "--org", org, "--workspace", "main")).ExitCode); // 422: no such dimension
        // A workspace key reads its own quotas and may not change them.
        Ok(await RunAsync("quota", "show"));
        Assert.Equal(3, (await RunAsync("quota", "set", "intents_per_day=100000000")).ExitCode);
    }

    [Fact]
    public async Task Workspace_members_include_list_and_exclude_as_the_official_cli_names_them()
    {
        var admin = new Dictionary<string, string?> { ["AXME_API_KEY"] = Fixture.Node.AdminKey };
        var org = Unique("cli-wsm");
        Ok(await RunAsync(admin, "org", "create", "CLI Members", "--id", org));
        Ok(await RunAsync(admin, "workspace", "create", "Ops", "--org", org, "--environment", "staging"));
        var included = await RunAsync(admin, "workspace", "members", "include", "usr_ana", "--role", "workspace_admin", "--org", org, "--workspace", "ops", "--json");
        Ok(included);
        Assert.Equal(("usr_ana", "workspace_admin", "ops"), (included.Json["actor_id"].Str(), included.Json["role"].Str(), included.Json["workspace_id"].Str()));
        var listed = await RunAsync(admin, "workspace", "members", "list", "--org", org, "--workspace", "ops", "--json");
        Ok(listed);
        Assert.Contains(listed.Json["members"]!.AsArray(), m => m!["actor_id"].Str() == "usr_ana");
        Assert.Contains("usr_ana", (await RunAsync(admin, "workspace", "members", "list", "--org", org, "--workspace", "ops")).Stdout);
        Ok(await RunAsync(admin, "workspace", "members", "exclude", included.Json["member_id"].Str(), "--org", org, "--workspace", "ops"));
        Assert.DoesNotContain((await RunAsync(admin, "workspace", "members", "list", "--org", org, "--workspace", "ops", "--json")).Json["members"]!.AsArray(),
            m => m!["actor_id"].Str() == "usr_ana");
        Assert.Equal(2, (await RunAsync(admin, "workspace", "members", "exclude", "mem_nothing", "--org", org, "--workspace", "ops")).ExitCode);
    }
}
