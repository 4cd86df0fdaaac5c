using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

[Collection(NodeCollection.Name)]
public sealed class HealthAndListTests(NodeFixture f)
{
    [Fact]
    public async Task Health_needs_no_key_on_both_paths_and_readiness_checks_postgres_and_the_silo()
    {
        using var anonymous = new HttpClient { BaseAddress = f.Node.BaseAddress };
        foreach (var path in new[] { "/health", "/v1/health" })
        {
            var h = (await anonymous.GetJsonAsync(path)).Ok();
            Assert.Equal("gateway", h["service"].Str());
            Assert.Equal("postgres", h["storage"].Str());
        }
        var ready = (await anonymous.GetJsonAsync("/ready")).Ok();
        Assert.Equal("ok", ready["checks"]!["postgres"].Str());
        Assert.Equal("ok", ready["checks"]!["silo"].Str());
        (await anonymous.GetJsonAsync("/v1/capabilities")).Error(HttpStatusCode.Unauthorized);
        var caps = (await f.A.GetJsonAsync("/v1/capabilities")).Ok();
        Assert.Contains("intents", caps["capabilities"]!.AsArray().Select(c => c.Str()));
        Assert.Contains("intent.ask.v1", caps["supported_intent_types"]!.AsArray().Select(c => c.Str()));
    }

    [Fact]
    public async Task OpenApi_document_describes_the_intent_routes()
    {
        var doc = (await f.A.GetJsonAsync("/openapi/v1.json")).Body;
        var paths = doc["paths"]!.AsObject();
        foreach (var p in new[] { "/v1/intents", "/v1/intents/{intent_id}", "/v1/intents/{intent_id}/events/stream", "/v1/intents/{intent_id}/resolve", "/v1/service-accounts" })
            Assert.True(paths.ContainsKey(p), $"missing {p}");
    }

    [Fact]
    public async Task List_filters_by_status_agent_type_and_correlation_and_pages_with_a_cursor()
    {
        var (client, _) = await f.TenantAsync("list", "ws", "lister");
        var correlation = Guid.NewGuid().ToString();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add((await client.PostAsync("/v1/intents", new
            {
                intent_type = i % 2 == 0 ? "intent.test.even.v1" : "intent.test.odd.v1",
                to_agent = i < 3 ? "agent://list/ws/first" : "agent://list/ws/second",
                correlation_id = correlation,
            })).Ok()["intent_id"].Str());
        (await client.PostAsync($"/v1/intents/{ids[0]}/resolve", new { status = "COMPLETED" })).Ok();
        (await client.PostAsync($"/v1/intents/{ids[1]}/resolve", new { status = "FAILED" })).Ok();

        async Task<List<string>> Ids(string query) =>
            (await client.GetJsonAsync("/v1/intents?" + query)).Ok()["intents"]!.AsArray().Select(i => i!["intent_id"].Str()).ToList();

        Assert.Equal(5, (await Ids("limit=50")).Count);
        Assert.Equal(ids[1], (await Ids("limit=50"))[0]); // most recently updated first
        Assert.Equal(new[] { ids[0], ids[1] }.Order(), (await Ids("status=COMPLETED,FAILED")).Order());
        Assert.Equal(3, (await Ids("status=pending")).Count);
        Assert.Equal(new[] { ids[3], ids[4] }.Order(), (await Ids("to_agent=agent://list/ws/second")).Order());
        Assert.Equal(3, (await Ids("intent_type=intent.test.even.v1")).Count);
        Assert.Equal(5, (await Ids($"correlation_id={correlation}")).Count);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = (await client.GetJsonAsync("/v1/intents?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"))).Ok();
            var items = page["intents"]!.AsArray();
            Assert.True(items.Count <= 2);
            seen.AddRange(items.Select(i => i!["intent_id"].Str()));
            cursor = page["next_cursor"]?.GetValue<string>();
        } while (cursor is not null);
        Assert.Equal(ids.Order(), seen.Order());
        Assert.Equal(5, seen.Distinct().Count());

        var listed = (await client.GetJsonAsync("/v1/intents?status=COMPLETED")).Ok()["intents"]!.AsArray()[0]!;
        Assert.Equal("COMPLETED", listed["lifecycle_status"].Str());
        Assert.NotNull(listed["created_at"]);
        Assert.NotNull(listed["updated_at"]);
    }
}
