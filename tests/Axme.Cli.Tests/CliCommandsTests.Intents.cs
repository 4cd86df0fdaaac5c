using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>The CLI commands, continued: intents retry, resume and cleanup; logs, trace and version.</summary>
public sealed partial class CliCommandsTests
{
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
}
