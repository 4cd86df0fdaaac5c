using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>Workspace quotas and usage over HTTP (issue 14 item 5, docs/adr/029).</summary>
[Collection(NodeCollection.Name)]
public sealed class QuotaTests(NodeFixture f)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private Task<JsonResponse> SetAsync(string org, string ws, object dimensions, bool? hard = null) =>
        f.Admin.SendJsonAsync(HttpMethod.Patch, "/v1/quotas", new Dictionary<string, object?>
        {
            ["org_id"] = org, ["workspace_id"] = ws, ["dimensions"] = dimensions, ["overage_mode"] = "block", ["updated_by_actor_id"] = "ops",
            ["hard_enforcement"] = hard,
        }.Where(p => p.Value is not null).ToDictionary());

    private static Task<JsonResponse> SendAsync(HttpClient client, string to, int i) =>
        client.PostAsync("/v1/intents", new { intent_type = "intent.test.quota.v1", to_agent = to, payload = new { i } });

    private static long Used(JsonResponse summary, string dimension) => summary.Body["summary"]!["dimensions"]![dimension]!["used"]!.GetValue<long>();

    [Fact]
    public async Task An_intents_quota_refuses_the_submission_that_crosses_it_writes_nothing_and_admits_again_once_raised()
    {
        var org = NewId("qt");
        var (client, address, _) = await Tenants.CreateAsync(f.Node, f.Admin, org, "main", "sender");
        var defaults = (await client.GetJsonAsync("/v1/quotas")).Ok()["quota_policy"]!;
        Assert.Equal(("default", org, "main", 10_000_000L, "block"), (defaults["quota_policy_id"].Str(), defaults["org_id"].Str(), defaults["workspace_id"].Str(),
            defaults["dimensions"]!["intents_per_day"]!.GetValue<long>(), defaults["overage_mode"].Str()));

        var set = (await SetAsync(org, "main", new { intents_per_day = 2 })).Ok()["quota_policy"]!;
        Assert.Equal((2L, 100_000L, "ops"), (set["dimensions"]!["intents_per_day"]!.GetValue<long>(), set["dimensions"]!["schema_writes_per_day"]!.GetValue<long>(),
            set["updated_by_actor_id"].Str()));
        Assert.NotEqual("default", set["quota_policy_id"].Str());
        // Only the node's operator sets quotas.
        (await client.SendJsonAsync(HttpMethod.Patch, "/v1/quotas", new { dimensions = new { intents_per_day = 1000 }, overage_mode = "block" }))
            .Error(HttpStatusCode.Forbidden);
        (await SetAsync(org, "main", new { intents_per_hour = 5 })).Error(HttpStatusCode.UnprocessableEntity);
        (await SetAsync(org, "main", new { intents_per_day = -1 })).Error(HttpStatusCode.UnprocessableEntity);
        (await SetAsync(org, "nowhere", new { intents_per_day = 5 })).Error(HttpStatusCode.NotFound, "workspace_not_found");

        (await SendAsync(client, address, 1)).Ok();
        (await SendAsync(client, address, 2)).Ok();
        var refused = (await SendAsync(client, address, 3)).Error((HttpStatusCode)429, "quota_exceeded");
        var details = refused.Body["error"]!["details"]!;
        Assert.Equal(("intents_per_day", "2", "2"), (details["dimension"].Str(), details["used"].Str(), details["limit"].Str()));
        Assert.True(DateTimeOffset.Parse(details["reset_at"].Str()) > DateTimeOffset.UtcNow);
        Assert.True(refused.Message.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("PATCH /v1/quotas", refused.Body["error"]!["message"].Str());
        Assert.Equal(2, (await client.GetJsonAsync("/v1/intents")).Ok()["intents"]!.AsArray().Count); // nothing written
        // Past the soft threshold (80 %) the operator was warned, once.
        Assert.Single(f.Node.Output.Split('\n'), l => l.Contains($"Workspace {org}/main reached 2 of its intents_per_day quota of 2"));

        var summary = (await client.GetJsonAsync("/v1/usage/summary")).Ok();
        var intents = summary.Body["summary"]!["dimensions"]!["intents_per_day"]!;
        Assert.Equal((2L, 2L, 0L), (intents["used"]!.GetValue<long>(), intents["limit"]!.GetValue<long>(), intents["remaining"]!.GetValue<long>()));
        Assert.Equal(1L, Used(summary, "service_accounts")); // the sender

        (await SetAsync(org, "main", new { intents_per_day = 3 })).Ok();
        (await SendAsync(client, address, 3)).Ok();
        (await SendAsync(client, address, 4)).Error((HttpStatusCode)429, "quota_exceeded");

        // The day's counts, from the stored buckets, and their rollup.
        var series = (await client.GetJsonAsync("/v1/usage/timeseries?window_days=3")).Ok()["series"]!;
        var points = series["points"]!.AsArray();
        Assert.Equal(("day", 3), (series["granularity"].Str(), points.Count));
        Assert.Equal(3L, points[^1]!["dimensions"]!["intents_per_day"]!.GetValue<long>());
        Assert.Equal(0L, points[0]!["dimensions"]!["intents_per_day"]!.GetValue<long>());
        var rollup = (await client.PostAsync("/v1/usage/rollups/daily?window_days=2")).Ok()["rollup"]!;
        Assert.Equal((2, 3L), (rollup["window_days"]!.GetValue<int>(), rollup["days"]!.AsArray()[^1]!["dimensions"]!["intents_per_day"]!.GetValue<long>()));
        Assert.True(rollup["upserted"]!.GetValue<int>() >= 2 * 6);
        var overview = (await client.GetJsonAsync("/v1/portal/enterprise/overview")).Ok()["overview"]!;
        Assert.Equal((3L, 3L), (overview["quota_policy"]!["dimensions"]!["intents_per_day"]!.GetValue<long>(),
            overview["usage_summary"]!["dimensions"]!["intents_per_day"]!["used"]!.GetValue<long>()));
        (await client.GetJsonAsync("/v1/usage/summary?window=year")).Error(HttpStatusCode.UnprocessableEntity);
        (await client.GetJsonAsync("/v1/quotas?org_id=default&workspace_id=default")).Error(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Accounts_schemas_media_and_requests_are_limited_per_workspace_and_counting_only_never_refuses()
    {
        var org = NewId("qa");
        var (client, _, _) = await Tenants.CreateAsync(f.Node, f.Admin, org, "main", "builder");

        (await SetAsync(org, "main", new { service_accounts = 2 })).Ok();
        (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = "main", name = "second" })).Ok();
        var accounts = (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = "main", name = "third" }))
            .Error((HttpStatusCode)429, "quota_exceeded");
        Assert.Equal(("service_accounts", "2"), (accounts.Body["error"]!["details"]!["dimension"].Str(), accounts.Body["error"]!["details"]!["used"].Str()));

        (await SetAsync(org, "main", new { schema_writes_per_day = 1 })).Ok();
        object Schema(string type) => new { semantic_type = type, schema_json = new { type = "object" } };
        var schemas = $"/v1/schemas?org_id={org}&workspace_id=main"; // schemas are registered with an admin key
        (await f.Admin.PostAsync(schemas, Schema("intent.quota.one.v1"))).Ok();
        (await f.Admin.PostAsync(schemas, Schema("intent.quota.two.v1"))).Error((HttpStatusCode)429, "quota_exceeded");

        (await SetAsync(org, "main", new { media_storage_bytes = 1000 })).Ok();
        object Upload(long size) => new { owner_agent = $"agent://{org}/main/builder", filename = "a.txt", mime_type = "text/plain", size_bytes = size };
        (await client.PostAsync("/v1/media/create-upload", Upload(600))).Ok();
        var media = (await client.PostAsync("/v1/media/create-upload", Upload(600))).Error((HttpStatusCode)429, "quota_exceeded");
        Assert.Equal(("media_storage_bytes", "600"), (media.Body["error"]!["details"]!["dimension"].Str(), media.Body["error"]!["details"]!["used"].Str()));
        Assert.Null(media.Body["error"]!["details"]!["reset_at"]); // a level: it frees up when files are deleted

        // Counting only: past the limit, admitted and counted.
        (await SetAsync(org, "main", new { schema_writes_per_day = 1 }, hard: false)).Ok();
        (await f.Admin.PostAsync(schemas, Schema("intent.quota.two.v1"))).Ok();
        Assert.Equal(2L, Used((await client.GetJsonAsync("/v1/usage/summary")).Ok(), "schema_writes_per_day"));

        // A minute's requests: the one past the limit is refused, for this workspace only.
        (await SetAsync(org, "main", new { requests_per_minute = 0 }, hard: true)).Ok();
        var limited = (await client.GetJsonAsync("/v1/quotas")).Error((HttpStatusCode)429, "quota_exceeded");
        Assert.Equal("requests_per_minute", limited.Body["error"]!["details"]!["dimension"].Str());
        Assert.True(limited.Message.Headers.RetryAfter?.Delta <= TimeSpan.FromSeconds(60));
        (await f.Admin.GetJsonAsync($"/v1/quotas?org_id={org}&workspace_id=main")).Ok(); // the operator is not limited
        (await SetAsync(org, "main", new { requests_per_minute = 1_000_000 })).Ok();
        (await client.GetJsonAsync("/v1/quotas")).Ok();
    }
}
