using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

[Collection(NodeCollection.Name)]
public sealed class InboxTests(NodeFixture f)
{
    private readonly Dictionary<string, HttpClient> _owners = [];

    /// <summary>
    /// A fresh reply_to owner in workspace A (acme/prod), so threads of other tests never mix in: an agent with a key
    /// of its own, since an inbox's threads are acted on only by their owner or an admin (ADR 017).
    /// </summary>
    private async Task<string> NewOwnerAsync()
    {
        var name = "req-" + Guid.NewGuid().ToString("N")[..10];
        _owners[name] = (await f.TenantAsync("acme", "prod", name)).Client;
        return name;
    }

    /// <summary>The owner's own client.</summary>
    private HttpClient As(string owner) => _owners[owner];

    private static string Canonical(string name) => $"agent://acme/prod/{name}";

    /// <summary>An intent from A with reply_to = owner, resolved COMPLETED; returns the resolve response.</summary>
    private async Task<JsonResponse> CompletedAsync(string owner, object? result = null)
    {
        var id = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.inbox.v1", to_agent = "worker", reply_to = owner })).Ok()["intent_id"].Str();
        return (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = result ?? new { n = 1 } })).Ok();
    }

    private async Task<string> ThreadAsync(string owner) => (await CompletedAsync(owner))["intent"]!["intent_id"].Str();

    [Fact]
    public async Task A_completion_with_reply_to_lands_in_the_reply_to_inbox_and_resolve_reports_it()
    {
        var owner = await NewOwnerAsync();
        var resolved = await CompletedAsync(owner, new { invoice = 42, paid = true });
        var id = resolved["intent"]!["intent_id"].Str();

        var delivery = resolved["completion_delivery"]!;
        Assert.True(delivery["delivered"]!.GetValue<bool>());
        Assert.Equal(Canonical(owner), delivery["reply_to"].Str());
        Assert.Equal(id, delivery["thread_id"].Str());

        var threads = (await As(owner).GetJsonAsync($"/v1/inbox?owner_agent={Canonical(owner)}")).Ok()["threads"]!.AsArray();
        var thread = Assert.Single(threads)!;
        Assert.Equal(id, thread["thread_id"].Str());
        Assert.Equal(id, thread["intent_id"].Str());
        Assert.Equal("pending", thread["status"].Str());
        Assert.Equal(Canonical(owner), thread["owner_agent"].Str());
        Assert.Equal(f.AgentA, thread["from_agent"].Str());
        var item = Assert.Single(thread["timeline"]!.AsArray())!;
        Assert.Equal("intent.completed", item["event_type"].Str());
        Assert.True(Guid.TryParse(item["event_id"].Str(), out _));
        Assert.Equal(42, item["details"]!["result"]!["invoice"]!.GetValue<int>());
        Assert.Equal("COMPLETED", item["details"]!["status"].Str());

        // The bare name, the status filter and the single-thread route agree.
        Assert.Single((await As(owner).GetJsonAsync($"/v1/inbox?owner_agent={owner}&status=pending")).Ok()["threads"]!.AsArray());
        Assert.Empty((await As(owner).GetJsonAsync($"/v1/inbox?owner_agent={owner}&status=done")).Ok()["threads"]!.AsArray());
        (await As(owner).GetJsonAsync($"/v1/inbox?owner_agent={owner}&status=open")).Error(HttpStatusCode.UnprocessableEntity, "invalid_status");
        Assert.Equal(id, (await As(owner).GetJsonAsync($"/v1/inbox/{id}?owner_agent={owner}")).Ok()["thread"]!["thread_id"].Str());

        // Without reply_to nothing is delivered.
        var plain = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.inbox.v1", to_agent = "worker" })).Ok()["intent_id"].Str();
        var noReply = (await f.A.PostAsync($"/v1/intents/{plain}/resolve", new { status = "FAILED" })).Ok();
        Assert.Equal("reply_to_not_set", noReply["completion_delivery"]!["reason"].Str());
        Assert.False(noReply["completion_delivery"]!["delivered"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_owner_comes_from_x_owner_agent_too_and_a_disagreeing_query_is_400()
    {
        var owner = await NewOwnerAsync();
        var id = await ThreadAsync(owner);

        var byHeader = await SendAsync(As(owner), HttpMethod.Get, $"/v1/inbox/{id}", owner);
        var conflicting = await SendAsync(As(owner), HttpMethod.Get, $"/v1/inbox/{id}?owner_agent=someone-else", owner);

        Assert.Equal(id, byHeader.Ok()["thread"]!["thread_id"].Str());
        conflicting.Error(HttpStatusCode.BadRequest, "owner_agent_mismatch");
    }

    [Fact]
    public async Task Without_an_owner_a_key_sees_its_own_agents_threads_and_an_admin_key_the_whole_workspace()
    {
        var own = await ThreadAsync(f.AgentA);
        var other = await ThreadAsync(await NewOwnerAsync());

        var mine = (await f.A.GetJsonAsync("/v1/inbox")).Ok()["threads"]!.AsArray().Select(t => t!["thread_id"].Str()).ToList();
        var admin = (await f.Admin.GetJsonAsync("/v1/inbox?org_id=acme&workspace_id=prod&limit=500")).Ok()["threads"]!.AsArray()
            .Select(t => t!["thread_id"].Str()).ToList();

        Assert.Contains(own, mine);
        Assert.DoesNotContain(other, mine);
        Assert.All(((await f.A.GetJsonAsync("/v1/inbox")).Ok()["threads"]!.AsArray()), t => Assert.Equal(f.AgentA, t!["owner_agent"].Str()));
        Assert.Contains(own, admin);
        Assert.Contains(other, admin);
        (await f.A.GetJsonAsync($"/v1/inbox/{other}")).Error(HttpStatusCode.NotFound, "thread_not_found");
    }

    [Fact]
    public async Task The_change_feed_pages_with_cursors_and_shows_a_thread_again_after_it_changes()
    {
        var owner = await NewOwnerAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await ThreadAsync(owner));

        var page1 = (await As(owner).GetJsonAsync($"/v1/inbox/changes?owner_agent={owner}&limit=2")).Ok();
        var page2 = (await As(owner).GetJsonAsync($"/v1/inbox/changes?owner_agent={owner}&limit=2&cursor={page1["next_cursor"].Str()}")).Ok();
        var empty = (await As(owner).GetJsonAsync($"/v1/inbox/changes?owner_agent={owner}&cursor={page2["next_cursor"].Str()}")).Ok();

        Assert.True(page1["has_more"]!.GetValue<bool>());
        Assert.False(page2["has_more"]!.GetValue<bool>());
        var seen = page1["changes"]!.AsArray().Concat(page2["changes"]!.AsArray()).ToList();
        Assert.Equal(ids, seen.Select(c => c!["thread"]!["thread_id"].Str()));
        var cursors = seen.Select(c => c!["cursor"].Str()).ToList();
        Assert.All(cursors, c => Assert.InRange(c.Length, 3, 128));
        Assert.Equal(cursors.Order(StringComparer.Ordinal), cursors);
        Assert.Equal(cursors[^1], page2["next_cursor"].Str());
        Assert.Empty(empty["changes"]!.AsArray());
        Assert.Equal(page2["next_cursor"].Str(), empty["next_cursor"].Str());

        (await As(owner).PostAsync($"/v1/inbox/{ids[0]}/reply?owner_agent={owner}", new { message = "thanks" })).Ok();
        var after = (await As(owner).GetJsonAsync($"/v1/inbox/changes?owner_agent={owner}&cursor={page2["next_cursor"].Str()}")).Ok();
        var change = Assert.Single(after["changes"]!.AsArray())!;
        Assert.Equal(ids[0], change["thread"]!["thread_id"].Str());
        Assert.Equal("message.sent", change["thread"]!["timeline"]!.AsArray()[^1]!["event_type"].Str());

        (await As(owner).GetJsonAsync($"/v1/inbox/changes?owner_agent={owner}&cursor=x1")).Error(HttpStatusCode.UnprocessableEntity, "invalid_cursor");
        (await As(owner).GetJsonAsync($"/v1/inbox/changes?owner_agent={owner}&cursor=not-a-cursor")).Error(HttpStatusCode.UnprocessableEntity, "invalid_cursor");
        (await As(owner).GetJsonAsync($"/v1/inbox/changes?owner_agent={owner}&limit=201")).Error(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Reply_read_delete_and_delegate_change_the_thread()
    {
        var owner = await NewOwnerAsync();
        var id = await ThreadAsync(owner);
        var q = $"?owner_agent={owner}";

        var replied = (await As(owner).PostAsync($"/v1/inbox/{id}/reply{q}", new { message = "got it" })).Ok()["thread"]!;
        var message = replied["timeline"]!.AsArray()[^1]!;
        Assert.Equal("active", replied["status"].Str());
        Assert.Equal("message.sent", message["event_type"].Str());
        Assert.Equal("got it", message["details"]!["message"].Str());
        Assert.Equal(Canonical(owner), message["actor"].Str());
        var messageId = message["message_id"].Str();

        var read = (await As(owner).PostAsync($"/v1/inbox/{id}/read{q}")).Ok();
        Assert.Equal(id, read["thread_id"].Str());
        Assert.True(DateTimeOffset.TryParse(read["read_at"].Str(), out _));
        Assert.Equal(read["read_at"].Str(), (await As(owner).GetJsonAsync($"/v1/inbox/{id}{q}")).Ok()["thread"]!["read_at"].Str());

        var deleted = (await As(owner).PostAsync($"/v1/inbox/{id}/messages/delete{q}", new { mode = "self", message_ids = new[] { messageId } })).Ok();
        Assert.Equal(("self", 1), (deleted["mode"].Str(), deleted["deleted_count"]!.GetValue<int>()));
        Assert.Equal(messageId, Assert.Single(deleted["message_ids"]!.AsArray()).Str());
        var tombstone = deleted["thread"]!["timeline"]!.AsArray().Single(t => t!["event_id"].Str() == messageId)!;
        Assert.True(tombstone["deleted"]!.GetValue<bool>());
        Assert.Null(tombstone["details"]!["message"]);
        Assert.Equal(0, (await As(owner).PostAsync($"/v1/inbox/{id}/messages/delete{q}", new { mode = "both" })).Ok()["deleted_count"]!.GetValue<int>());

        var helper = await NewOwnerAsync();
        var delegated = (await As(owner).PostAsync($"/v1/inbox/{id}/delegate{q}", new { delegate_to = helper, note = "yours" })).Ok()["thread"]!;
        Assert.Equal(Canonical(helper), delegated["owner_agent"].Str());
        Assert.Equal("thread.delegated", delegated["timeline"]!.AsArray()[^1]!["event_type"].Str());
        (await As(owner).GetJsonAsync($"/v1/inbox/{id}{q}")).Error(HttpStatusCode.NotFound, "thread_not_found");
        Assert.Single((await As(helper).GetJsonAsync($"/v1/inbox?owner_agent={helper}")).Ok()["threads"]!.AsArray());
        Assert.Empty((await As(owner).GetJsonAsync($"/v1/inbox{q}")).Ok()["threads"]!.AsArray());
    }

    [Fact]
    public async Task Approve_finishes_the_thread_a_second_approve_is_409_and_reject_finishes_another()
    {
        var owner = await NewOwnerAsync();
        var first = await ThreadAsync(owner);
        var second = await ThreadAsync(owner);
        var q = $"?owner_agent={owner}";

        var approved = (await As(owner).PostAsync($"/v1/inbox/{first}/approve{q}", new { comment = "fine" })).Ok()["thread"]!;
        Assert.Equal("done", approved["status"].Str());
        var decision = approved["timeline"]!.AsArray()[^1]!;
        Assert.Equal(("thread.approved", "fine"), (decision["event_type"].Str(), decision["details"]!["comment"].Str()));
        (await As(owner).PostAsync($"/v1/inbox/{first}/approve{q}", new { comment = "again" })).Error(HttpStatusCode.Conflict, "thread_done");
        (await As(owner).PostAsync($"/v1/inbox/{first}/reply{q}", new { message = "late" })).Error(HttpStatusCode.Conflict, "thread_done");

        var rejected = (await As(owner).PostAsync($"/v1/inbox/{second}/reject{q}", new { comment = "no" })).Ok()["thread"]!;
        Assert.Equal(("done", "thread.rejected"), (rejected["status"].Str(), rejected["timeline"]!.AsArray()[^1]!["event_type"].Str()));
        Assert.Equal(2, (await As(owner).GetJsonAsync($"/v1/inbox{q}&status=done")).Ok()["threads"]!.AsArray().Count);
    }

    [Fact]
    public async Task Another_workspace_gets_403_an_unknown_thread_404_a_malformed_id_or_body_422()
    {
        var owner = await NewOwnerAsync();
        var id = await ThreadAsync(owner);
        var q = $"?owner_agent={Canonical(owner)}";

        // Naming another workspace's owner is refused before the thread is looked at (not its owner, ADR 017) ...
        (await f.B.GetJsonAsync($"/v1/inbox/{id}{q}")).Error(HttpStatusCode.Forbidden, "not_thread_owner");
        (await f.B.PostAsync($"/v1/inbox/{id}/reply{q}", new { message = "hi" })).Error(HttpStatusCode.Forbidden, "not_thread_owner");
        (await f.B.GetJsonAsync($"/v1/inbox{q}")).Error(HttpStatusCode.Forbidden, "not_thread_owner");
        // ... and as itself it reaches no thread of workspace A.
        (await f.B.GetJsonAsync($"/v1/inbox/{id}")).Error(HttpStatusCode.Forbidden);
        Assert.DoesNotContain((await f.B.GetJsonAsync("/v1/inbox")).Ok()["threads"]!.AsArray(), t => t!["thread_id"].Str() == id);
        (await As(owner).GetJsonAsync($"/v1/inbox/{Guid.NewGuid()}{q}")).Error(HttpStatusCode.NotFound, "thread_not_found");
        (await As(owner).GetJsonAsync($"/v1/inbox/not-a-uuid{q}")).Error(HttpStatusCode.UnprocessableEntity, "invalid_thread_id");

        var missing = (await As(owner).PostAsync($"/v1/inbox/{id}/reply{q}", new { })).Error(HttpStatusCode.UnprocessableEntity, "missing_field");
        Assert.Equal("message", missing["error"]!["details"]!["field"].Str());
        var wrongType = (await As(owner).PostAsync($"/v1/inbox/{id}/reply{q}", new { message = 5 })).Error(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("message", wrongType["error"]!["details"]!["field"].Str());
        var noTarget = (await As(owner).PostAsync($"/v1/inbox/{id}/delegate{q}", new { note = "x" })).Error(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("delegate_to", noTarget["error"]!["details"]!["field"].Str());
        var longComment = (await As(owner).PostAsync($"/v1/inbox/{id}/approve{q}", new { comment = new string('x', 2001) })).Error(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("comment", longComment["error"]!["details"]!["field"].Str());
        var badMode = (await As(owner).PostAsync($"/v1/inbox/{id}/messages/delete{q}", new { mode = "all" })).Error(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("mode", badMode["error"]!["details"]!["field"].Str());
        Assert.Equal("pending", (await As(owner).GetJsonAsync($"/v1/inbox/{id}{q}")).Ok()["thread"]!["status"].Str()); // nothing was applied
    }

    [Fact]
    public async Task A_reply_repeated_with_the_same_Idempotency_Key_is_stored_once_and_another_body_is_409()
    {
        var owner = await NewOwnerAsync();
        var id = await ThreadAsync(owner);
        var q = $"?owner_agent={owner}";
        var key = Guid.NewGuid().ToString();

        var first = (await As(owner).PostAsync($"/v1/inbox/{id}/reply{q}", new { message = "once" }, key)).Ok();
        var replay = (await As(owner).PostAsync($"/v1/inbox/{id}/reply{q}", new { message = "once" }, key)).Ok();
        (await As(owner).PostAsync($"/v1/inbox/{id}/reply{q}", new { message = "twice" }, key)).Error(HttpStatusCode.Conflict, "idempotency_conflict");

        Assert.Equal(first.Text, replay.Text);
        var timeline = (await As(owner).GetJsonAsync($"/v1/inbox/{id}{q}")).Ok()["thread"]!["timeline"]!.AsArray();
        Assert.Single(timeline, t => t!["event_type"].Str() == "message.sent");
    }

    private static async Task<JsonResponse> SendAsync(HttpClient http, HttpMethod method, string path, string ownerHeader)
    {
        var previous = http.DefaultRequestHeaders.Contains("x-owner-agent");
        Assert.False(previous);
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-owner-agent", ownerHeader);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new JsonResponse(response.StatusCode, text, (JsonObject)JsonNode.Parse(text)!, response);
    }
}
