using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>The CLI commands, continued: every task answer and what the node received.</summary>
public sealed partial class CliCommandsTests
{
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
}
