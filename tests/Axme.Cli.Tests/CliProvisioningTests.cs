using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>
/// Client-side agent provisioning (PROTOCOL §8.6.1) through the real binary: scenario-agents.json, key re-use
/// across runs, a refused key replaced, scenarios apply with and without it, and every built-in example with
/// agents run to its end. Effects are checked over HTTP with the tenant's key.
/// </summary>
public sealed class CliProvisioningTests(CliNodeFixture fixture) : CliTestBase(fixture), IClassFixture<CliNodeFixture>
{
    private string StorePath => Path.Combine(_config, "axme", "scenario-agents.json");

    private async Task<JsonArray> StoredAgentsAsync() => JsonNode.Parse(await File.ReadAllTextAsync(StorePath))!["agents"]!.AsArray();

    private async Task<List<JsonNode>> AccountsNamedAsync(string name) =>
        [.. (await Fixture.A.GetJsonAsync("/v1/service-accounts?org_id=acme&workspace_id=prod")).Ok()["service_accounts"]!.AsArray()
            .Where(a => a!["name"]!.GetValue<string>() == name).Select(a => a!)];

    private async Task<JsonArray> KeysOfAsync(string serviceAccountId) =>
        (await Fixture.A.GetJsonAsync($"/v1/service-accounts/{serviceAccountId}")).Ok()["service_account"]!["keys"]!.AsArray();

    private static int Active(JsonArray keys) => keys.Count(k => k!["status"]!.GetValue<string>() == "active");

    private static void AssertHas(string stdout, string text) =>
        Assert.True(stdout.Contains(text, StringComparison.Ordinal), $"expected \"{text}\" in:\n{stdout}");

    /// <summary>Each expected line appears as a whole line of the output, in this order.</summary>
    internal static void AssertLinesInOrder(string stdout, params Func<string, bool>[] expected)
    {
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var at = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var found = lines.FindIndex(at, l => expected[i](l.Trim()));
            Assert.True(found >= 0, $"expected line #{i + 1} not found (in order) in:\n{stdout}");
            at = found + 1;
        }
    }

    /// <summary>The id of the newest pending human task of a type, once there is one.</summary>
    private async Task<string> TaskOfTypeAsync(string intentType) => (await Poll.UntilAsync(async () =>
    {
        var tasks = (await Fixture.A.GetJsonAsync("/v1/me/tasks")).Ok()["tasks"]!.AsArray();
        return tasks.LastOrDefault(t => t!["intent_type"]?.GetValue<string>() == intentType)?["intent_id"]?.GetValue<string>();
    }, x => x is not null, TimeSpan.FromSeconds(40), "the human task of " + intentType))!;

    [Fact]
    public async Task Examples_run_writes_a_0600_store_and_a_second_run_reuses_the_key()
    {
        var first = await RunAsync("examples", "run", "delivery/stream");
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        AssertLinesInOrder(first.Stdout, l => l.StartsWith("Intent submitted: ", StringComparison.Ordinal), l => l == "Completed",
            l => l == "Result: compliance check completed");

        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StorePath));
        var stored = Assert.Single(await StoredAgentsAsync())!;
        Assert.Equal("agent://acme/prod/compliance-checker-agent", stored["address"]!.GetValue<string>());
        Assert.Equal(Fixture.Node.BaseAddress.ToString().TrimEnd('/'), stored["base_url"]!.GetValue<string>().TrimEnd('/'));
        Assert.StartsWith("axme_sa_", stored["api_key"]!.GetValue<string>(), StringComparison.Ordinal);
        var accountId = stored["service_account_id"]!.GetValue<string>();
        var keyId = stored["key_id"]!.GetValue<string>();
        var account = Assert.Single(await AccountsNamedAsync("compliance-checker-agent"));
        Assert.Equal(accountId, account["service_account_id"]!.GetValue<string>());
        var keysBefore = await KeysOfAsync(accountId);
        Assert.Contains(keysBefore, k => k!["key_id"]!.GetValue<string>() == keyId && k["status"]!.GetValue<string>() == "active");

        var second = await RunAsync("examples", "run", "delivery/stream");
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        AssertHas(second.Stdout, "key from scenario-agents.json");
        AssertHas(second.Stdout, "Result: compliance check completed");
        var again = Assert.Single(await StoredAgentsAsync())!;
        Assert.Equal(keyId, again["key_id"]!.GetValue<string>());
        Assert.Single(await AccountsNamedAsync("compliance-checker-agent"));
        Assert.Equal(keysBefore.Count, (await KeysOfAsync(accountId)).Count);
    }

    [Fact]
    public async Task A_revoked_stored_key_is_replaced_by_a_new_one()
    {
        var first = await RunAsync("examples", "run", "delivery/stream");
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        var stored = Assert.Single(await StoredAgentsAsync())!;
        var accountId = stored["service_account_id"]!.GetValue<string>();
        var oldKey = stored["key_id"]!.GetValue<string>();
        (await Fixture.A.PostAsync($"/v1/service-accounts/{accountId}/keys/{oldKey}/revoke")).Ok();

        var second = await RunAsync("examples", "run", "delivery/stream");
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        AssertHas(second.Stdout, $"the stored key {oldKey} was refused (HTTP 401)");
        AssertHas(second.Stdout, "Completed");
        var replaced = Assert.Single(await StoredAgentsAsync())!;
        var newKey = replaced["key_id"]!.GetValue<string>();
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal(accountId, replaced["service_account_id"]!.GetValue<string>());
        var keys = await KeysOfAsync(accountId);
        Assert.Equal("revoked", keys.Single(k => k!["key_id"]!.GetValue<string>() == oldKey)!["status"]!.GetValue<string>());
        Assert.Equal("active", keys.Single(k => k!["key_id"]!.GetValue<string>() == newKey)!["status"]!.GetValue<string>());
    }

    private async Task<string> BundleFileAsync(string a, string b)
    {
        var bundle = new JsonObject
        {
            ["scenario_id"] = "cli.provisioning.v1",
            ["title"] = "Provisioning test",
            ["description"] = "two agents created if missing",
            ["agents"] = new JsonArray(
                new JsonObject { ["role"] = "first", ["address"] = a, ["display_name"] = "First", ["delivery_mode"] = "stream", ["create_if_missing"] = true },
                new JsonObject { ["role"] = "second", ["address"] = b, ["delivery_mode"] = "poll", ["create_if_missing"] = true }),
            ["humans"] = new JsonArray(new JsonObject { ["role"] = "ops", ["display_name"] = "Operations", ["contact"] = "" }),
            ["workflow"] = new JsonObject
            {
                ["steps"] = new JsonArray(
                    new JsonObject { ["step_id"] = "one", ["tool_id"] = "tool.agent.task.v1", ["assigned_to"] = "first" },
                    new JsonObject { ["step_id"] = "two", ["tool_id"] = "tool.agent.task.v1", ["assigned_to"] = "second" }),
            },
            ["intent"] = new JsonObject { ["type"] = "intent.cli.provisioning.v1", ["payload"] = new JsonObject { ["n"] = 1 } },
        };
        var file = Path.Combine(_config, $"bundle-{a}.json");
        await File.WriteAllTextAsync(file, bundle.ToJsonString());
        return file;
    }

    [Fact]
    public async Task Scenarios_apply_provisions_agents_client_side_and_server_side_leaves_it_to_the_node()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (a, b) = ($"prov-a-{suffix}", $"prov-b-{suffix}");
        // With org and workspace given (the context's fields), the list and create calls carry them.
        var env = new Dictionary<string, string?> { ["AXME_ORG_ID"] = "acme", ["AXME_WORKSPACE_ID"] = "prod" };
        var r = await RunAsync(env, "scenarios", "apply", await BundleFileAsync(a, b));
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        AssertLinesInOrder(r.Stdout,
            l => l == "Scenario cli.provisioning.v1 — Provisioning test",
            l => l == "two agents created if missing",
            l => l.StartsWith($"Agent agent://acme/prod/{a} provisioned: new service account", StringComparison.Ordinal),
            l => l.StartsWith($"Agent agent://acme/prod/{b} provisioned: new service account", StringComparison.Ordinal),
            l => l == $"Agent first → {a} (First)  [stream ← SSE listen()]",
            l => l == $"Agent second → {b}  [poll ← periodic pull]",
            l => l == "Human ops → Operations",
            l => l.StartsWith("Intent submitted: ", StringComparison.Ordinal),
            l => l.StartsWith("Workflow compile_id: ", StringComparison.Ordinal),
            l => l == "— → SUBMITTED");

        var stored = await StoredAgentsAsync();
        Assert.Equal(2, stored.Count);
        foreach (var name in new[] { a, b })
        {
            var entry = stored.Single(e => e!["address"]!.GetValue<string>() == $"agent://acme/prod/{name}")!;
            var account = Assert.Single(await AccountsNamedAsync(name));
            Assert.Equal(account["service_account_id"]!.GetValue<string>(), entry["service_account_id"]!.GetValue<string>());
            Assert.Equal(1, Active(await KeysOfAsync(entry["service_account_id"]!.GetValue<string>())));
            // The stored key is the agent's own and works.
            using var agent = Fixture.Node.CreateClient(entry["api_key"]!.GetValue<string>());
            var self = (await agent.GetJsonAsync($"/v1/agents/{name}")).Ok()["agent"]!;
            Assert.Equal(name == b ? "poll" : "stream", self["delivery_mode"]!.GetValue<string>());
        }

        var (c, d) = ($"prov-c-{suffix}", $"prov-d-{suffix}");
        var server = await RunAsync("scenarios", "apply", await BundleFileAsync(c, d), "--server-side");
        Assert.True(server.ExitCode == 0, server.Stdout + server.Stderr);
        Assert.DoesNotContain("provisioned:", server.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, (await StoredAgentsAsync()).Count);
        foreach (var name in new[] { c, d })
        {
            var account = Assert.Single(await AccountsNamedAsync(name));
            Assert.Empty(await KeysOfAsync(account["service_account_id"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Examples_run_full_multi_agent_runs_both_agents_and_ends_approved()
    {
        var run = RunAsync("examples", "run", "full/multi-agent");
        var id = await TaskOfTypeAsync("intent.deployment.cab_approval.v1");
        (await Fixture.A.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved" } })).Ok();
        var r = await run;
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        AssertHas(r.Stdout, "compliance-checker-agent answers: {\"action\":\"complete\"");
        AssertHas(r.Stdout, "risk-assessment-agent answers: {\"action\":\"complete\",\"risk_score\":25");
        AssertLinesInOrder(r.Stdout, l => l == $"Intent submitted: {id}", l => l == "Waiting for approval...", l => l == "Approved",
            l => l == "Completed", l => l == "Result: deployment approved");
        var stored = await StoredAgentsAsync();
        Assert.Equal(new[] { "agent://acme/prod/compliance-checker-agent", "agent://acme/prod/risk-assessment-agent" },
            stored.Select(e => e!["address"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var intent = (await Fixture.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
        Assert.Equal("COMPLETED", intent["status"].Str());
    }

    [Fact]
    public async Task Examples_run_human_email_validates_the_budget_and_ends_approved()
    {
        var run = RunAsync("examples", "run", "human/email");
        var id = await TaskOfTypeAsync("intent.budget.approval.v1");
        (await Fixture.A.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved", approved = true } })).Ok();
        var r = await run;
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        AssertHas(r.Stdout, "budget-envelope-validator answers: {\"action\":\"complete\",\"within_envelope\":true}");
        AssertLinesInOrder(r.Stdout, l => l == "Waiting for approval...", l => l == "Approved", l => l == "Completed",
            l => l == "Result: budget approved");
    }

    [Fact]
    public async Task Examples_run_internal_timeout_starts_no_agent_and_ends_failed_by_the_step_deadline()
    {
        var r = await RunAsync("examples", "run", "internal/timeout");
        Assert.True(r.ExitCode == 6, $"exit {r.ExitCode}\n{r.Stdout}{r.Stderr}");
        var id = r.Stdout.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("Intent submitted: ", StringComparison.Ordinal))["Intent submitted: ".Length..];
        var intent = (await Fixture.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
        Assert.Contains(intent["status"].Str(), new[] { "FAILED", "TIMED_OUT" });
        AssertLinesInOrder(r.Stdout, l => l == $"Intent submitted: {id}", l => l.StartsWith("Result: change timeout demo ", StringComparison.Ordinal));
        // §8.8: no built-in agent for this example, so the CLI neither starts nor provisions one.
        Assert.DoesNotContain("answers:", r.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(StorePath) && (await StoredAgentsAsync()).Any(e => e!["address"]!.GetValue<string>().Contains("change-window-validator", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("intent.deployment.approval.v1", "COMPLETED", """{"scenario_id":"human.cli.v1","steps":{"readiness_check":{"ready":true},"ops_approval":{"outcome":"approved"}}}""", null, "deployment approved")]
    [InlineData("intent.deployment.cab_approval.v1", "COMPLETED", """{"steps":{"a":{"passed":true},"cab":{"outcome":"approved"}}}""", null, "deployment approved")]
    [InlineData("intent.budget.approval.v1", "FAILED", null, """{"code":"step_rejected","step_id":"finance_approval","outcome":"rejected"}""", "budget rejected")]
    [InlineData("intent.compliance.check.v1", "COMPLETED", """{"steps":{"compliance_check":{"passed":true}}}""", null, "compliance check completed")]
    [InlineData("intent.compliance.check.v1", "FAILED", null, """{"code":"step_failed","step_id":"compliance_check"}""", "compliance check failed: step_failed")]
    [InlineData("intent.change.timeout_demo.v1", "FAILED", null, """{"code":"step_timeout"}""", "change timeout demo failed: step_timeout")]
    [InlineData("intent.change.timeout_demo.v1", "TIMED_OUT", null, null, "change timeout demo timed out")]
    [InlineData("intent.review.approval.v1", "COMPLETED", """{"outcome":"changes_requested"}""", null, "review changes requested")]
    [InlineData("intent.approval.v1", "COMPLETED", """{"outcome":"approved"}""", null, "request approved")]
    [InlineData("intent.deployment.approval.v1", "CANCELED", null, null, "deployment approval canceled")]
    [InlineData(null, "COMPLETED", null, null, "intent completed")]
    public void Result_summary_names_the_subject_and_the_outcome(string? type, string status, string? result, string? error, string expected) =>
        Assert.Equal(expected, ResultSummary.Describe(type, status, result is null ? null : JsonNode.Parse(result), error is null ? null : JsonNode.Parse(error)));

    [Fact]
    public async Task A_context_without_a_workspace_it_can_learn_skips_provisioning_with_a_hint()
    {
        // A dead node: nothing to ask, so the CLI cannot tell the key's workspace and says how to set it.
        var env = new Dictionary<string, string?> { ["AXME_BASE_URL"] = $"http://127.0.0.1:{NodeProcess.FreePort()}" };
        var r = await RunAsync(env, "scenarios", "apply", await BundleFileAsync("prov-x", "prov-y"));
        AssertHas(r.Stdout, "warning: agent prov-x not provisioned: the context has no org_id/workspace_id");
        Assert.Equal(5, r.ExitCode);
        Assert.False(File.Exists(StorePath));
    }
}
