using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>A node whose intents keep at most 10 events and 3 Idempotency-Keys.</summary>
public sealed class IntentLimitedNodeFixture() : NodeFixture("api-limits", new Dictionary<string, string>
{
    ["Axme__Intents__MaxEvents"] = "10",
    ["Axme__Intents__MaxIdempotencyEntries"] = "3",
});

/// <summary>One intent cannot grow without end (issue 11 item 6): past its limits only an ending is taken.</summary>
public sealed class IntentLimitTests(IntentLimitedNodeFixture f) : IClassFixture<IntentLimitedNodeFixture>
{
    private async Task<string> OwnIntentAsync() =>
        (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.limits.v1", to_agent = f.AgentA })).Ok()["intent_id"].Str();

    private async Task<int> EventCountAsync(string id) => (await f.A.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray().Count;

    [Fact]
    public async Task Past_the_event_limit_progress_is_409_writes_nothing_and_resolving_still_works()
    {
        var id = await OwnIntentAsync();
        HttpStatusCode status;
        var n = 0;
        do
        {
            var r = await f.A.PostAsync($"/v1/intents/{id}/progress", new { message = $"step {n++}" });
            status = r.Status;
            if (status != HttpStatusCode.OK) r.Error(HttpStatusCode.Conflict, "intent_event_limit");
        } while (status == HttpStatusCode.OK && n < 50);
        Assert.Equal(HttpStatusCode.Conflict, status);
        var events = await EventCountAsync(id);
        Assert.InRange(events, 8, 10);
        (await f.A.PostAsync($"/v1/intents/{id}/progress", new { message = "more" })).Error(HttpStatusCode.Conflict, "intent_event_limit");
        Assert.Equal(events, await EventCountAsync(id)); // nothing written

        (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { ok = true } })).Ok();
        Assert.Equal("COMPLETED", (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["status"].Str());
    }

    [Fact]
    public async Task Past_the_remembered_idempotency_keys_a_new_key_is_409_and_a_known_one_still_replays()
    {
        var id = await OwnIntentAsync();
        for (var i = 0; i < 3; i++) (await f.A.PostAsync($"/v1/intents/{id}/progress", new { percent = i }, idempotencyKey: $"k{i}")).Ok();
        (await f.A.PostAsync($"/v1/intents/{id}/progress", new { percent = 9 }, idempotencyKey: "k3")).Error(HttpStatusCode.Conflict, "idempotency_limit");
        var events = await EventCountAsync(id);
        (await f.A.PostAsync($"/v1/intents/{id}/progress", new { percent = 1 }, idempotencyKey: "k1")).Ok(); // a replay
        Assert.Equal(events, await EventCountAsync(id));
    }
}
