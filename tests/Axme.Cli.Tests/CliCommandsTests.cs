using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>
/// The CLI commands beyond send/get/watch: agents listen and keys, contexts, whoami, doctor, intents
/// retry/resume/cleanup, logs, trace, version, every task answer and the agent directory. Each test runs the
/// real binary and checks what the node recorded over HTTP.
/// </summary>
public sealed class CliCommandsTests(CliNodeFixture fixture) : CliTestBase(fixture), IClassFixture<CliNodeFixture>
{
    private static readonly Dictionary<string, string?> NoEnvironment = new() { ["AXME_BASE_URL"] = null, ["AXME_API_KEY"] = null };

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>A service account of the fixture's workspace: its id, address and (unless asked not to) a key.</summary>
    private async Task<(string Id, string Address, string? Key)> AgentAsync(string name, bool withKey = true)
    {
        var sa = (await Fixture.A.PostAsync("/v1/service-accounts", new { name })).Ok()["service_account"]!;
        var id = sa["service_account_id"].Str();
        var key = withKey ? (await Fixture.A.PostAsync($"/v1/service-accounts/{id}/keys", new { })).Ok()["key"]!["token"].Str() : null;
        return (id, sa["agent_address"].Str(), key);
    }

    private async Task<string> SendAsync(string to, object? payload = null, string type = "intent.cli.cmds.v1", HttpClient? client = null, string? replyTo = null) =>
        (await (client ?? Fixture.A).PostAsync("/v1/intents", new { intent_type = type, to_agent = to, payload = payload ?? new { }, reply_to = replyTo }))
            .Ok()["intent_id"].Str();

    private async Task<string> TaskAsync(object humanTask, object? payload = null) =>
        (await Fixture.A.PostAsync("/v1/intents", new
        {
            intent_type = "intent.cli.task.v1",
            to_agent = "agent://acme/prod/reviewer",
            payload = payload ?? new { change = "deploy" },
            human_task = humanTask,
        })).Ok()["intent_id"].Str();

    private async Task<JsonNode> IntentAsync(string id) => (await Fixture.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;

    private async Task<JsonArray> EventsAsync(string id) => (await Fixture.A.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();

    /// <summary>The task_result the node received with the answer (details of its intent.in_progress event).</summary>
    private async Task<JsonObject> TaskResultAsync(string id) =>
        (await EventsAsync(id)).Single(e => e!["event_type"].Str() == "intent.in_progress")!["details"]!["task_result"]!.AsObject();

    private static List<JsonNode> Lines(CliResult r) =>
        [.. r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => JsonNode.Parse(l)!)];

    private static void Ok(CliResult r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");

    // ---- agents listen ----

    [Fact]
    public async Task Agents_listen_json_prints_a_delivery_sent_over_http_with_the_agents_own_key()
    {
        var (_, address, key) = await AgentAsync(Unique("listener"));
        var listen = RunAsync(new Dictionary<string, string?> { ["AXME_API_KEY"] = key }, "agents", "listen", address, "--count", "1", "--json");
        var id = await SendAsync(address, new { order = 42, item = "widget" });

        var r = await listen;
        Ok(r);
        var delivery = Assert.Single(Lines(r));
        Assert.Equal(id, delivery["intent_id"].Str());
        Assert.Equal("DELIVERED", delivery["status"].Str());
        Assert.Equal("intent.cli.cmds.v1", delivery["intent_type"].Str());
        Assert.Equal(Fixture.Address, delivery["from_agent"].Str());
        Assert.Equal(42, delivery["payload"]!["order"]!.GetValue<int>());
        Assert.True(delivery["seq"]!.GetValue<long>() > 0);
        Assert.Equal("DELIVERED", (await IntentAsync(id))["status"].Str());
    }

    [Fact]
    public async Task Agents_listen_gets_the_backlog_keeps_listening_across_windows_and_resumes_after_since()
    {
        var (_, address, _) = await AgentAsync(Unique("backlog"), withKey: false);
        var first = await SendAsync(address, new { n = 1 });
        var second = await SendAsync(address, new { n = 2 });

        // 1 s stream windows: the third delivery arrives on a later connection, which resumes from the cursor.
        var listen = RunAsync("agents", "listen", address, "--count", "3", "--wait-seconds", "1", "--json");
        foreach (var id in new[] { first, second })
            await Poll.UntilAsync(async () => (await IntentAsync(id))["status"].Str(), s => s == "DELIVERED", TimeSpan.FromSeconds(30), "the backlog delivered");
        await Task.Delay(1500);
        var third = await SendAsync(address, new { n = 3 });
        var three = await listen;
        Ok(three);
        var lines = Lines(three);
        Assert.Equal(3, lines.Count);
        Assert.Equal(new[] { first, second }.Order(), lines.Take(2).Select(l => l["intent_id"].Str()).Order());
        Assert.Equal(third, lines[2]["intent_id"].Str());
        var cursor = lines.Take(2).Max(l => l["seq"]!.GetValue<long>());
        Assert.True(lines[2]["seq"]!.GetValue<long>() > cursor);

        var once = await RunAsync("agents", "listen", address, "--since", cursor.ToString(System.Globalization.CultureInfo.InvariantCulture), "--once");
        Ok(once);
        Assert.Contains(third, once.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(first, once.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(second, once.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"n\":3", once.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agents_listen_to_an_unknown_agent_exits_2_and_a_bad_count_exits_1()
    {
        var r = await RunAsync("agents", "listen", "agent://acme/prod/" + Unique("nobody"), "--once");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error:", r.Stderr, StringComparison.Ordinal);

        var bad = await RunAsync("agents", "listen", Fixture.Address, "--count", "0");
        Assert.Equal(1, bad.ExitCode);
    }

    // ---- agents keys ----

    [Fact]
    public async Task Agents_keys_create_makes_a_working_key_and_revoke_makes_it_refused()
    {
        var (sa, address, _) = await AgentAsync(Unique("keyed"), withKey: false);
        var created = await RunAsync("agents", "keys", "create", "--agent-id", sa, "--expires-at", "2099-01-01T00:00:00Z", "--json");
        Ok(created);
        var token = created.Json["token"].Str();
        var keyId = created.Json["key_id"].Str();
        Assert.StartsWith("2099-01-01", created.Json["expires_at"].Str(), StringComparison.Ordinal);

        using var agent = Fixture.Node.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetJsonAsync("/v1/agents")).Status);

        var human = await RunAsync("agents", "keys", "create", "--agent-id", address);
        Ok(human);
        Assert.Contains("shown once", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("axme_sa_" + sa + "_", human.Stdout, StringComparison.Ordinal);

        var revoked = await RunAsync("agents", "keys", "revoke", "--agent-id", address, "--key-id", keyId);
        Ok(revoked);
        Assert.Contains(keyId, revoked.Stdout, StringComparison.Ordinal);
        (await agent.GetJsonAsync("/v1/agents")).Error(HttpStatusCode.Unauthorized);

        Assert.Equal(2, (await RunAsync("agents", "keys", "revoke", "--agent-id", sa, "--key-id", "sak_nope")).ExitCode);
        Assert.Equal(1, (await RunAsync("agents", "keys", "create", "--agent-id", sa, "--expires-at", "someday")).ExitCode);
        Assert.Equal(1, (await RunAsync("agents", "keys", "revoke", "--agent-id", sa)).ExitCode);
    }

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

    // ---- intents retry, resume, cleanup ----

    [Fact]
    public async Task Intents_retry_recreates_a_canceled_intent_and_refuses_a_completed_one()
    {
        var to = "agent://acme/prod/" + Unique("retry");
        var id = await SendAsync(to, new { order = 17, lines = new[] { "a", "b" } }, type: "intent.cli.retry.v1", replyTo: Fixture.Address);
        (await Fixture.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "CANCELED", reason = "test" })).Ok();

        var r = await RunAsync("intents", "retry", id, "--json");
        Ok(r);
        var newId = r.Json["intent_id"].Str();
        Assert.NotEqual(id, newId);
        Assert.Equal(id, r.Json["source_intent_id"].Str());
        var (old, fresh) = (await IntentAsync(id), await IntentAsync(newId));
        Assert.Equal("CANCELED", old["status"].Str());
        Assert.False(IntentStatusIsTerminal(fresh["status"].Str()));
        foreach (var field in new[] { "intent_type", "to_agent", "from_agent", "reply_to" })
            Assert.Equal(old[field].Str(), fresh[field].Str());
        Assert.True(JsonNode.DeepEquals(old["payload"], fresh["payload"]));
        Assert.NotEqual(old["correlation_id"].Str(), fresh["correlation_id"].Str());

        var done = await SendAsync(to, new { order = 18 });
        (await Fixture.A.PostAsync($"/v1/intents/{done}/resolve", new { status = "COMPLETED", result = new { ok = true } })).Ok();
        var refused = await RunAsync("intents", "retry", done);
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("COMPLETED", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("intents", "retry", Guid.NewGuid().ToString())).ExitCode);

        var human = await RunAsync("intents", "retry", newId);
        Assert.Equal(4, human.ExitCode); // the new one is not finished
    }

    private static bool IntentStatusIsTerminal(string status) => status is "COMPLETED" or "FAILED" or "CANCELED" or "TIMED_OUT";

    [Fact]
    public async Task Intents_resume_recreates_a_waiting_task_and_refuses_a_canceled_intent()
    {
        var id = await TaskAsync(new { title = "Ship release 7?", task_type = "approval", allowed_outcomes = new[] { "approved", "rejected" } }, new { release = 7 });
        Assert.Equal("WAITING", (await IntentAsync(id))["status"].Str());

        var r = await RunAsync("intents", "resume", id);
        Ok(r);
        Assert.Contains("stays WAITING", r.Stdout, StringComparison.Ordinal);
        var created = await Fixture.A.GetJsonAsync("/v1/intents?intent_type=intent.cli.task.v1&status=WAITING&limit=500");
        var twins = created.Ok()["intents"]!.AsArray().Where(i => i!["payload"]?["release"]?.GetValue<int>() == 7).ToList();
        Assert.Equal(2, twins.Count);
        var fresh = twins.Single(i => i!["intent_id"].Str() != id)!;
        Assert.Equal("Ship release 7?", fresh["human_task"]!["title"].Str());
        Assert.Equal(fresh["intent_id"].Str(), fresh["human_task"]!["approval_id"].Str());
        Assert.Equal("WAITING_FOR_HUMAN", fresh["waiting_reason"].Str());

        var canceled = await SendAsync("agent://acme/prod/" + Unique("resume"));
        (await Fixture.A.PostAsync($"/v1/intents/{canceled}/resolve", new { status = "CANCELED" })).Ok();
        var refused = await RunAsync("intents", "resume", canceled);
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("WAITING or FAILED", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Intents_cleanup_dry_run_changes_nothing_and_dry_run_false_cancels()
    {
        // Its own account: a workspace key reaches only the intents it sent or handles, so nothing else is touched.
        var (_, _, key) = await AgentAsync(Unique("cleaner"));
        using var cleaner = Fixture.Node.CreateClient(key);
        var env = new Dictionary<string, string?> { ["AXME_API_KEY"] = key };
        var to = "agent://acme/prod/" + Unique("zombie");
        var ids = new[] { await SendAsync(to, client: cleaner), await SendAsync(to, client: cleaner) };

        var dry = await RunAsync(env, "intents", "cleanup", "--older-than", "0", "--json");
        Ok(dry);
        Assert.Equal(2, dry.Json["would_cancel"]!.GetValue<int>());
        Assert.Equal(ids.Order(), dry.Json["intent_ids"]!.AsArray().Select(i => i.Str()).Order());
        foreach (var id in ids) Assert.False(IntentStatusIsTerminal((await IntentAsync(id))["status"].Str()));

        var recent = await RunAsync(env, "intents", "cleanup", "--json");
        Ok(recent);
        Assert.Equal(0, recent.Json["would_cancel"]!.GetValue<int>());

        var real = await RunAsync(env, "intents", "cleanup", "--older-than", "0", "--dry-run=false", "--reason", "test cleanup", "--status", "SUBMITTED,DELIVERED", "--json");
        Ok(real);
        Assert.Equal(2, real.Json["canceled"]!.GetValue<int>());
        foreach (var id in ids)
        {
            var intent = await IntentAsync(id);
            Assert.Equal("CANCELED", intent["status"].Str());
            Assert.Equal("test cleanup", intent["reason"].Str());
        }
        var again = await RunAsync(env, "intents", "cleanup", "--older-than", "0");
        Ok(again);
        Assert.Contains("would cancel 0", again.Stdout, StringComparison.Ordinal);

        Assert.Equal(1, (await RunAsync(env, "intents", "cleanup", "--status", "COMPLETED")).ExitCode);
    }

    // ---- logs, trace, version ----

    [Fact]
    public async Task Logs_levels_filters_and_tail_follow_the_events()
    {
        var id = await TaskAsync(new { task_type = "approval" });
        (await Fixture.A.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "rejected", comment = "no" } })).Ok();
        var events = await EventsAsync(id);

        var all = await RunAsync("logs", id, "--json");
        Ok(all);
        var rows = all.Json.AsArray();
        Assert.Equal(events.Count, rows.Count);
        Assert.Equal(events.Select(e => e!["seq"]!.GetValue<long>()), rows.Select(r => r!["seq"]!.GetValue<long>()));
        Assert.Equal("warn", rows.Single(r => r!["event_type"].Str() == "intent.human_task_assigned")!["level"].Str());
        Assert.Equal("warn", rows[^1]!["level"].Str());
        Assert.Equal("CANCELED", rows[^1]!["status"].Str());
        Assert.Equal("info", rows[0]!["level"].Str());

        var warn = await RunAsync("logs", id, "--level", "warn", "--json");
        Assert.All(warn.Json.AsArray(), r => Assert.Equal("warn", r!["level"].Str()));
        Assert.Equal(rows.Count(r => r!["level"].Str() == "warn"), warn.Json.AsArray().Count);

        var tail = await RunAsync("logs", id, "--tail", "1", "--json");
        Assert.Equal(rows[^1]!["seq"]!.GetValue<long>(), Assert.Single(tail.Json.AsArray())!["seq"]!.GetValue<long>());
        var step = await RunAsync("logs", id, "--step", "human_task", "--json");
        Assert.Equal("intent.human_task_assigned", Assert.Single(step.Json.AsArray())!["event_type"].Str());
        Assert.Equal(rows.Count, (await RunAsync("logs", id, "--since", "1h", "--json")).Json.AsArray().Count);
        Assert.Empty((await RunAsync("logs", id, "--since", "2099-01-01T00:00:00Z", "--json")).Json.AsArray());

        var failed = await SendAsync("agent://acme/prod/" + Unique("failing"));
        (await Fixture.A.PostAsync($"/v1/intents/{failed}/resolve", new { status = "FAILED", error = new { code = "boom" } })).Ok();
        var errors = await RunAsync("logs", failed, "--level", "error", "--json");
        Assert.Equal("FAILED", Assert.Single(errors.Json.AsArray())!["status"].Str());
        var text = await RunAsync("logs", failed);
        Ok(text);
        Assert.Contains("intent.failed", text.Stdout, StringComparison.Ordinal);

        Assert.Equal(1, (await RunAsync("logs", id, "--level", "loud")).ExitCode);
        Assert.Equal(1, (await RunAsync("logs", id, "--since", "yesterday-ish")).ExitCode);
        Assert.Equal(2, (await RunAsync("logs", Guid.NewGuid().ToString())).ExitCode);
    }

    [Fact]
    public async Task Trace_shows_where_an_intent_waits_and_what_to_do_next()
    {
        var waiting = await TaskAsync(new { task_type = "approval", title = "Approve the trace" });
        var r = await RunAsync("trace", waiting, "--json");
        Ok(r);
        Assert.Equal("WAITING", r.Json["status"].Str());
        Assert.Equal("WAITING_FOR_HUMAN", r.Json["waiting_reason"].Str());
        Assert.Contains($"axme tasks approve {waiting}", r.Json["next_action"].Str(), StringComparison.Ordinal);
        var events = await EventsAsync(waiting);
        Assert.Equal(events.Count, r.Json["events_count"]!.GetValue<int>());
        Assert.Equal(events.Count, r.Json["timeline"]!.AsArray().Count);
        Assert.Equal(events[^1]!["event_type"].Str(), r.Json["last_event"]!["event_type"].Str());

        var text = await RunAsync("trace", waiting);
        Ok(text);
        Assert.Contains("intent.human_task_assigned", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Next:", text.Stdout, StringComparison.Ordinal);

        var failed = await SendAsync("agent://acme/prod/" + Unique("traced"));
        (await Fixture.A.PostAsync($"/v1/intents/{failed}/resolve", new { status = "FAILED", error = new { code = "boom" } })).Ok();
        var f = await RunAsync("trace", failed, "--json");
        Assert.Equal("FAILED", f.Json["status"].Str());
        Assert.Equal($"axme intents retry {failed}", f.Json["next_action"].Str());
        Assert.Equal(2, (await RunAsync("trace", Guid.NewGuid().ToString())).ExitCode);
    }

    [Fact]
    public async Task Version_reports_the_cli_and_the_nodes_version_and_survives_a_dead_node()
    {
        var health = await Fixture.A.GetJsonAsync("/health");
        var r = await RunAsync("version", "--json");
        Ok(r);
        Assert.False(string.IsNullOrWhiteSpace(r.Json["cli_version"].Str()));
        Assert.Equal(health["version"].Str(), r.Json["node"]!["version"].Str());

        var dead = await RunAsync(new Dictionary<string, string?> { ["AXME_BASE_URL"] = $"http://127.0.0.1:{NodeProcess.FreePort()}" }, "version", "--json");
        Ok(dead);
        Assert.Null(dead.Json["node"]);
        Assert.False(string.IsNullOrWhiteSpace(dead.Json["node_error"].Str()));
        Assert.Equal(r.Json["cli_version"].Str(), dead.Json["cli_version"].Str());
    }

    // ---- tasks reject|confirm|complete|assign|submit: what the node received ----

    [Fact]
    public async Task An_actor_token_answers_a_task_in_the_users_name_and_owner_agent_is_sent_on_every_call()
    {
        var user = (await Fixture.A.PostAsync("/v1/users", new { name = "cli-olga", email = "olga.cli@example.com", roles = new[] { "cli-operators" } })).Ok()["user"]!;
        // A person's actor token: minted by the person or an admin (ADR 017), here the admin answering for Olga.
        var token = (await Fixture.Admin.PostAsync($"/v1/users/{user["user_id"].Str()}/tokens")).Ok()["token"].Str();
        var id = await TaskAsync(new { title = "Ship it?", assignees = new[] { "role:cli-operators" } });

        // The workspace key alone is not an assignee of a task assigned to a role of human users.
        Assert.Equal(3, (await RunAsync("tasks", "approve", id)).ExitCode);
        // Stored in the context (0600), the token makes the answer Olga's.
        Ok(await RunAsync("context", "set", "--actor-token", token));
        var shown = await RunAsync("context", "show", "--json");
        Assert.DoesNotContain(token, shown.Stdout, StringComparison.Ordinal);
        Ok(await RunAsync("tasks", "approve", id, "-c", "as Olga"));
        var answered = (await EventsAsync(id)).Single(e => e!["event_type"].Str() == "intent.in_progress")!;
        Assert.Equal(user["agent_address"].Str(), answered["actor"].Str());
        Ok(await RunAsync("context", "set", "--actor-token", ""));

        // --owner-agent travels as x-owner-agent: the key's own agent may be named; another one is refused (403).
        var sent = await RunAsync("intents", "send", "agent://acme/prod/worker", "--type", "intent.cli.owner.v1", "--owner-agent", Fixture.Address, "--json");
        Ok(sent);
        var refused = await RunAsync(new Dictionary<string, string?> { ["AXME_OWNER_AGENT"] = "agent://acme/prod/someone-else" },
            "intents", "cancel", sent.Json["intent_id"].Str());
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("owner_agent", refused.Stderr, StringComparison.Ordinal);
        Assert.NotEqual("CANCELED", (await IntentAsync(sent.Json["intent_id"].Str()))["status"].Str());
    }

    [Fact]
    public async Task Tasks_reject_sends_outcome_comment_and_data_and_cancels()
    {
        var id = await TaskAsync(new { task_type = "approval", allowed_outcomes = new[] { "approved", "rejected" } });
        var r = await RunAsync("tasks", "reject", id, "-c", "not now", "--data", "ticket=T-9", "--json");
        Ok(r);
        var result = await TaskResultAsync(id);
        Assert.Equal("rejected", result["outcome"].Str());
        Assert.Equal("not now", result["comment"].Str());
        Assert.Equal("T-9", result["ticket"].Str());
        Assert.Equal("CANCELED", (await IntentAsync(id))["status"].Str());
        Assert.Equal(4, (await RunAsync("tasks", "reject", id)).ExitCode);
    }

    [Fact]
    public async Task Tasks_confirm_sends_only_the_outcome_and_completes()
    {
        var id = await TaskAsync(new { task_type = "confirmation" });
        Ok(await RunAsync("tasks", "confirm", id));
        var result = await TaskResultAsync(id);
        Assert.Equal("confirmed", result["outcome"].Str());
        Assert.False(result.ContainsKey("comment"));
        var intent = await IntentAsync(id);
        Assert.Equal("COMPLETED", intent["status"].Str());
        Assert.Equal("confirmed", intent["result"]!["outcome"].Str());
    }

    [Fact]
    public async Task Tasks_complete_sends_data_json_values_as_strings()
    {
        var id = await TaskAsync(new { task_type = "manual_action" });
        Ok(await RunAsync("tasks", "complete", id, "-c", "all good", "--data-json", "{\"steps\": 3, \"ok\": true, \"note\": \"done\"}", "--data", "host=web-1"));
        var result = await TaskResultAsync(id);
        Assert.Equal("completed", result["outcome"].Str());
        Assert.Equal("all good", result["comment"].Str());
        Assert.Equal("3", result["steps"].Str());
        Assert.Equal("true", result["ok"].Str());
        Assert.Equal("done", result["note"].Str());
        Assert.Equal("web-1", result["host"].Str());
        Assert.False(result.ContainsKey("data"));
        Assert.Equal("COMPLETED", (await IntentAsync(id))["status"].Str());
    }

    [Fact]
    public async Task Tasks_assign_needs_and_sends_the_assignee()
    {
        var id = await TaskAsync(new { task_type = "assignment" });
        var missing = await RunAsync("tasks", "assign", id);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("assignee", missing.Stderr, StringComparison.Ordinal);

        Ok(await RunAsync("tasks", "assign", id, "--data", "assignee=bob"));
        var result = await TaskResultAsync(id);
        Assert.Equal("assigned", result["outcome"].Str());
        Assert.Equal("bob", result["assignee"].Str());
        Assert.Equal("COMPLETED", (await IntentAsync(id))["status"].Str());
    }

    [Fact]
    public async Task Tasks_submit_sends_the_outcome_and_form_fields_that_the_node_coerces()
    {
        var schema = JsonNode.Parse("""
            {"type": "object", "required": ["approved", "budget"],
             "properties": {"approved": {"type": "boolean"}, "budget": {"type": "integer"}, "note": {"type": "string"}}}
            """);
        var id = await TaskAsync(new { task_type = "form", form_schema = schema });
        Assert.Equal(1, (await RunAsync("tasks", "submit", id)).ExitCode); // --outcome is required
        var invalid = await RunAsync("tasks", "submit", id, "--outcome", "submitted", "--data", "approved=maybe", "--data", "budget=12");
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("approved", invalid.Stderr, StringComparison.Ordinal);

        var r = await RunAsync("tasks", "submit", id, "--outcome", "submitted", "--data", "approved=true", "--data-json", "{\"budget\": 1200, \"note\": \"ok\"}", "--json");
        Ok(r);
        var result = await TaskResultAsync(id);
        Assert.Equal("submitted", result["outcome"].Str());
        Assert.True(result["approved"]!.GetValue<bool>());
        Assert.Equal(1200, result["budget"]!.GetValue<int>());
        Assert.Equal("ok", result["note"].Str());
        Assert.Equal("COMPLETED", (await IntentAsync(id))["status"].Str());
        Assert.Equal(4, (await RunAsync("tasks", "submit", id, "--outcome", "submitted", "--data", "approved=true", "--data", "budget=1")).ExitCode);
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
