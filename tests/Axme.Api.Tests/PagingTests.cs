using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>Every listing is paginated (issue 11 item 6), and another workspace's agent names are not probed (item 7).</summary>
[Collection(NodeCollection.Name)]
public sealed class PagingTests(NodeFixture f)
{
    /// <summary>Follows next_cursor from the first page to the last; every page holds at most limit items.</summary>
    private async Task<List<string>> AllPagesAsync(string path, string field, string idField, int limit)
    {
        var ids = new List<string>();
        string? cursor = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 50, "the cursor never ended");
            var sep = path.Contains('?') ? '&' : '?';
            var page = (await f.Admin.GetJsonAsync($"{path}{sep}limit={limit}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"))).Ok();
            var items = page[field]!.AsArray();
            Assert.InRange(items.Count, 0, limit);
            ids.AddRange(items.Select(i => i![idField].Str()));
            cursor = page["next_cursor"]?.GetValue<string>();
            Assert.Equal(cursor is not null, page["has_more"]!.GetValue<bool>());
            if (cursor is null) return ids;
        }
    }

    [Fact]
    public async Task Accounts_users_and_agents_come_a_page_at_a_time_and_the_pages_add_up_to_the_whole()
    {
        var ws = "pg" + Guid.NewGuid().ToString("N")[..8];
        var scope = $"org_id=paging&workspace_id={ws}";
        await Tenants.EnsureWorkspaceAsync(f.Admin, "paging", ws);
        var accounts = new List<string>();
        for (var i = 0; i < 5; i++)
            accounts.Add((await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "paging", workspace_id = ws, name = $"agent-{i}" })).Ok()["service_account"]!["service_account_id"].Str());
        var users = new List<string>();
        for (var i = 0; i < 3; i++)
            users.Add((await f.Admin.PostAsync("/v1/users", new { org_id = "paging", workspace_id = ws, name = $"user-{i}", email = $"u{i}@example.com" })).Ok()["user"]!["user_id"].Str());

        Assert.Equal(accounts.Concat(users).Order(), (await AllPagesAsync($"/v1/service-accounts?{scope}", "service_accounts", "service_account_id", 2)).Order());
        Assert.Equal(users.Order(), (await AllPagesAsync($"/v1/users?{scope}", "users", "user_id", 2)).Order());
        Assert.Equal(5, (await AllPagesAsync($"/v1/agents?{scope}", "agents", "service_account_id", 2)).Distinct().Count());

        (await f.Admin.GetJsonAsync($"/v1/service-accounts?{scope}&cursor=sa_not_in_this_listing")).Error(HttpStatusCode.UnprocessableEntity, "invalid_cursor");
        (await f.Admin.GetJsonAsync($"/v1/service-accounts?{scope}&limit=1001")).Error(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task An_intents_events_come_a_page_at_a_time_from_since()
    {
        var id = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.paging.v1", to_agent = f.AgentA })).Ok()["intent_id"].Str();
        for (var i = 0; i < 4; i++) (await f.A.PostAsync($"/v1/intents/{id}/progress", new { percent = i * 10 })).Ok();
        var all = (await f.A.GetJsonAsync($"/v1/intents/{id}/events")).Ok();
        Assert.False(all["has_more"]!.GetValue<bool>());
        var seqs = all["events"]!.AsArray().Select(e => e!["seq"]!.GetValue<int>()).ToList();
        Assert.True(seqs.Count >= 5, string.Join(",", seqs));

        var paged = new List<int>();
        var since = 0;
        while (true)
        {
            var page = (await f.A.GetJsonAsync($"/v1/intents/{id}/events?since={since}&limit=2")).Ok();
            var events = page["events"]!.AsArray();
            Assert.InRange(events.Count, 1, 2);
            paged.AddRange(events.Select(e => e!["seq"]!.GetValue<int>()));
            if (!page["has_more"]!.GetValue<bool>()) break;
            since = page["next_since"]!.GetValue<int>();
        }
        Assert.Equal(seqs, paged);
    }

    [Fact]
    public async Task Another_workspaces_agent_names_answer_the_same_whether_they_exist_or_not()
    {
        var existing = await f.A.GetJsonAsync("/v1/agents/other/ws/beta");
        var missing = await f.A.GetJsonAsync("/v1/agents/other/ws/no-such-agent-anywhere");
        existing.Error(HttpStatusCode.Forbidden, "forbidden");
        missing.Error(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(existing.Text, missing.Text);
        Assert.IsType<JsonObject>((await f.B.GetJsonAsync("/v1/agents/beta")).Ok()["agent"]); // it does exist
    }
}
