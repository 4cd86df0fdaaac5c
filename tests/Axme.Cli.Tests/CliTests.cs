using System.Diagnostics;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>One real node with one tenant (acme/prod) and its key, shared by the CLI tests.</summary>
public sealed class CliNodeFixture : IAsyncLifetime
{
    public NodeProcess Node { get; private set; } = null!;
    public string Database { get; private set; } = null!;
    public HttpClient A { get; private set; } = null!;
    /// <summary>The node's admin key, for what only an admin may do (a person's actor token, ADR 017).</summary>
    public HttpClient Admin { get; private set; } = null!;
    public string Key { get; private set; } = null!;
    public string Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestPostgres.CreateDatabaseAsync("axme_cli");
        // Access tokens shorter than the CLI's renewal margin (300 s): every command renews the session first, so the
        // tests exercise the refresh the official CLI relies on.
        Node = new NodeProcess(Database, "cli-tests", new Dictionary<string, string> { ["Axme__Api__SessionAccessTokenLifetime"] = "00:04:00" });
        await Node.StartAsync();
        Admin = Node.CreateClient();
        (A, Address, Key) = await Tenants.CreateAsync(Node, Admin, "acme", "prod", "cli");
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(Database);
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new Xunit.Sdk.XunitException("no JSON output: " + Stderr);
}

public sealed class CliTests(CliNodeFixture fixture) : CliTestBase(fixture), IClassFixture<CliNodeFixture>
{
    [Fact]
    public async Task Intents_send_then_get_json_round_trips()
    {
        var sent = await RunAsync("intents", "send", "agent://acme/prod/worker", "--type", "intent.cli.test.v1", "--payload", "{\"n\": 7}", "--json");
        Assert.True(sent.ExitCode == 0, sent.Stderr);
        var id = sent.Json["intent_id"]!.GetValue<string>();

        var got = await RunAsync("intents", "get", id, "--json");
        Assert.True(got.ExitCode == 0, got.Stderr);
        Assert.Equal(id, got.Json["intent_id"]!.GetValue<string>());
        Assert.Equal("intent.cli.test.v1", got.Json["intent_type"]!.GetValue<string>());
        Assert.Equal(7, got.Json["payload"]!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task Intents_get_unknown_exits_2_with_the_server_code()
    {
        var r = await RunAsync("intents", "get", Guid.NewGuid().ToString());
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error:", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_api_key_exits_3()
    {
        var r = await RunAsync(new Dictionary<string, string?> { ["AXME_API_KEY"] = "not-a-key" }, "intents", "list");
        Assert.Equal(3, r.ExitCode);
    }

    [Fact]
    public async Task Tasks_approve_completes_a_human_task_created_over_http()
    {
        var id = (await Fixture.A.PostAsync("/v1/intents", new
        {
            intent_type = "intent.cli.approval.v1",
            to_agent = "agent://acme/prod/approver",
            payload = new { change = "deploy" },
            human_task = new { task_type = "approval", allowed_outcomes = new[] { "approved", "rejected" } },
        })).Ok()["intent_id"].Str();

        var list = await RunAsync("tasks", "list", "--json");
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains(list.Json.AsArray(), t => t!["intent_id"]!.GetValue<string>() == id);

        var r = await RunAsync("tasks", "approve", id, "--comment", "ship it");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var intent = (await Fixture.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
        Assert.Equal("COMPLETED", intent["status"].Str());

        var again = await RunAsync("tasks", "approve", id);
        Assert.NotEqual(0, again.ExitCode);
    }

    [Fact]
    public async Task Scenarios_validate_of_a_bad_file_exits_non_zero_with_the_errors()
    {
        var file = Path.Combine(_config, "bad.json");
        var bundle = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoRoot, "examples", "scenarios", "human.cli.json")))!;
        bundle["workflow"]!["steps"]![0]!["tool_id"] = "bad.tool";
        await File.WriteAllTextAsync(file, bundle.ToJsonString());
        var r = await RunAsync("scenarios", "validate", file);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("invalid", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("  - workflow.steps[0].tool_id: unknown tool_id: bad.tool", r.Stderr, StringComparison.Ordinal);

        var good = await RunAsync("scenarios", "validate", Path.Combine(RepoRoot, "examples", "scenarios", "human.cli.json"));
        Assert.True(good.ExitCode == 0, good.Stderr);

        var missing = await RunAsync("scenarios", "validate", Path.Combine(_config, "nope.json"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("file not found", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_json_reports_health_and_capabilities()
    {
        var r = await RunAsync("status", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.True(r.Json["ok"]!.GetValue<bool>());
        Assert.Contains(r.Json["capabilities"]!["capabilities"]!.AsArray(), c => c!.GetValue<string>() == "intents");
    }

    [Fact]
    public async Task Status_against_a_dead_node_exits_5()
    {
        var r = await RunAsync(new Dictionary<string, string?> { ["AXME_BASE_URL"] = $"http://127.0.0.1:{NodeProcess.FreePort()}" }, "status");
        Assert.Equal(5, r.ExitCode);
    }

    [Fact]
    public async Task Context_set_writes_a_0600_config_that_later_commands_use()
    {
        var r = await RunAsync(new Dictionary<string, string?> { ["AXME_BASE_URL"] = null, ["AXME_API_KEY"] = null },
            "context", "set", "--base-url", Fixture.Node.BaseAddress.ToString(), "--api-key", Fixture.Key, "--org-id", "acme", "--workspace-id", "prod");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var path = Path.Combine(_config, "axme", "config.json");
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("acme", JsonNode.Parse(await File.ReadAllTextAsync(path))!["contexts"]!["default"]!["org_id"]!.GetValue<string>());

        var status = await RunAsync(new Dictionary<string, string?> { ["AXME_BASE_URL"] = null, ["AXME_API_KEY"] = null }, "intents", "list", "--json");
        Assert.True(status.ExitCode == 0, status.Stderr);
    }

    [Fact]
    public async Task Intents_watch_exits_0_at_completed_and_non_zero_at_canceled()
    {
        async Task<string> HumanTaskAsync() => (await Fixture.A.PostAsync("/v1/intents", new
        {
            intent_type = "intent.cli.watch.v1",
            to_agent = "agent://acme/prod/approver",
            human_task = new { task_type = "approval", allowed_outcomes = new[] { "approved", "rejected" } },
        })).Ok()["intent_id"].Str();

        // Each intent is resolved once its watch printed the first event: the end then reaches a live watch.
        var approved = await HumanTaskAsync();
        var live = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = RunAsync(null, _ => live.TrySetResult(), "intents", "watch", approved);
        await live.Task.WaitAsync(TimeSpan.FromSeconds(30));
        (await Fixture.A.PostAsync($"/v1/intents/{approved}/resume", new { task_result = new { outcome = "approved" } })).Ok();
        var w = await watch;
        Assert.True(w.ExitCode == 0, w.Stdout + w.Stderr);
        Assert.Contains("intent.completed", w.Stdout, StringComparison.Ordinal);

        var canceled = await HumanTaskAsync();
        var live2 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch2 = RunAsync(null, _ => live2.TrySetResult(), "intents", "watch", canceled, "--json");
        await live2.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var c = await RunAsync("intents", "cancel", canceled, "--reason", "test");
        Assert.True(c.ExitCode == 0, c.Stderr);
        var w2 = await watch2;
        Assert.Equal(6, w2.ExitCode);
        var last = JsonNode.Parse(w2.Stdout.Trim().Split('\n')[^1])!;
        Assert.Equal("CANCELED", last["status"]!.GetValue<string>());

        var log = await RunAsync("intents", "log", canceled, "--json");
        Assert.True(log.ExitCode == 0, log.Stderr);
        Assert.Equal("CANCELED", log.Json["intent"]!["status"]!.GetValue<string>());
        Assert.True(log.Json["events"]!.AsArray().Count >= 2);
    }

    [Fact]
    public async Task Examples_run_delivery_stream_runs_its_agent_and_completes()
    {
        var r = await RunAsync("examples", "run", "delivery/stream");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("Intent submitted", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Completed", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Result:", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Examples_run_human_cli_is_approved_from_a_second_cli_process()
    {
        var run = RunAsync("examples", "run", "human/cli");
        var id = await Poll.UntilAsync(async () =>
        {
            var tasks = (await Fixture.A.GetJsonAsync("/v1/me/tasks")).Ok()["tasks"]!.AsArray();
            return tasks.FirstOrDefault(t => t!["intent_type"]?.GetValue<string>() == "intent.deployment.approval.v1")?["intent_id"]?.GetValue<string>();
        }, x => x is not null, TimeSpan.FromSeconds(40), "the human task");
        var approve = await RunAsync("tasks", "approve", id!);
        Assert.True(approve.ExitCode == 0, approve.Stderr);
        var r = await run;
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        // The seed story, line by line and in this order (other lines may come between).
        CliProvisioningTests.AssertLinesInOrder(r.Stdout,
            l => l == $"Intent submitted: {id}",
            l => l == "Waiting for agent deploy-readiness-checker...",
            l => l.StartsWith("deploy-readiness-checker answers: {\"action\":\"complete\"", StringComparison.Ordinal),
            l => l == "Waiting for approval...",
            l => l == "Approved",
            l => l == "Completed",
            l => l == "Result: deployment approved");
    }

    [Fact]
    public async Task Scenarios_apply_watch_follows_a_step_that_times_out_and_exits_non_zero()
    {
        var r = await RunAsync("scenarios", "apply", Path.Combine(RepoRoot, "examples", "scenarios", "internal.timeout.json"), "--watch");
        Assert.Equal(6, r.ExitCode);
        Assert.Contains("Intent submitted", r.Stdout, StringComparison.Ordinal);
        Assert.Matches("Final status: (TIMED_OUT|FAILED)", r.Stdout);
    }
}
