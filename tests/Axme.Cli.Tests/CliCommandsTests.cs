using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>
/// The CLI commands beyond send/get/watch: agents listen and keys, contexts, whoami, doctor, intents
/// retry/resume/cleanup, logs, trace, version, every task answer and the agent directory. Each test runs the
/// real binary and checks what the node recorded over HTTP.
/// </summary>
public sealed partial class CliCommandsTests(CliNodeFixture fixture) : CliTestBase(fixture), IClassFixture<CliNodeFixture>
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
}
