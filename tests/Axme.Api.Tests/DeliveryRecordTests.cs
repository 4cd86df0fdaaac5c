using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// Delivery records over HTTP (PROTOCOL §12 "Deliveries", docs/adr/025): an intent handed to its principal is a delivery
/// with a status in the gateway's words; dead letters are visible with every attempt and replayable; submit, reconcile
/// and the workspace's counts.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class DeliveryRecordTests(NodeFixture f)
{
    private async Task<(HttpClient Client, string Org, string Ws)> WorkspaceAsync()
    {
        var ws = "d" + Guid.NewGuid().ToString("N")[..8];
        var (client, _) = await f.TenantAsync("deliveries", ws, "operator");
        return (client, "deliveries", ws);
    }

    private static async Task<JsonNode> AccountAsync(HttpClient client, object body) =>
        (await client.PostAsync("/v1/service-accounts", body)).Ok()["service_account"]!;

    private static async Task<string> SendAsync(HttpClient client, string to, object? payload = null, int? maxAttempts = null) =>
        (await client.PostAsync("/v1/intents", new Dictionary<string, object?>
        {
            ["intent_type"] = "intent.test.delivery.v1", ["to_agent"] = to, ["payload"] = payload ?? new { n = 1 }, ["max_delivery_attempts"] = maxAttempts,
        }.Where(p => p.Value is not null).ToDictionary())).Ok()["intent_id"].Str();

    private static string Dlv(string intentId) => "dlv_" + Guid.Parse(intentId).ToString("N");

    [Fact]
    public async Task Intents_to_a_principal_are_its_deliveries_submitted_then_delivered_and_lists_filter_them()
    {
        var (client, _, ws) = await WorkspaceAsync();
        var worker = await AccountAsync(client, new { name = "worker", delivery_mode = "poll" });
        var workerKey = (await client.PostAsync($"/v1/service-accounts/{worker["service_account_id"].Str()}/keys", new { })).Ok()["key"]!["token"].Str();
        var first = await SendAsync(client, "worker", new { invoice = "INV-1" });
        var second = await SendAsync(client, "worker", new { invoice = "INV-2" });
        // A human task is not a delivery.
        (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.task.v1", to_agent = "approver", human_task = new { title = "t" } })).Ok();

        var all = (await client.GetJsonAsync("/v1/deliveries")).Ok()["deliveries"]!.AsArray();
        Assert.Equal([Dlv(second), Dlv(first)], all.Select(d => d!["delivery_id"].Str()));
        Assert.All(all, d => Assert.Equal("submitted", d!["status"].Str()));
        var one = all[1]!;
        Assert.Equal(worker["service_account_id"].Str(), one["principal_id"].Str());
        Assert.Equal("queue", one["transport_type"].Str());
        Assert.Equal("route_" + worker["service_account_id"].Str(), one["route_id"].Str());
        Assert.Equal("INV-1", one["payload"]!["invoice"].Str());

        // The worker leases one: it is delivered.
        var leased = (await f.Node.CreateClient(workerKey).PostAsync($"/v1/agents/deliveries/{ws}/worker/intents/lease", new { max = 1 })).Ok()["deliveries"]!.AsArray();
        var taken = Assert.Single(leased)!["intent_id"].Str();
        var got = (await client.GetJsonAsync($"/v1/deliveries/{Dlv(taken)}")).Ok()["delivery"]!;
        Assert.Equal("delivered", got["status"].Str());
        Assert.Single(got["attempts"]!.AsArray());
        Assert.Equal([Dlv(taken)], (await client.GetJsonAsync("/v1/deliveries?status=delivered")).Ok()["deliveries"]!.AsArray().Select(d => d!["delivery_id"].Str()));
        Assert.Single((await client.GetJsonAsync("/v1/deliveries?status=submitted")).Ok()["deliveries"]!.AsArray());
        Assert.Equal(2, (await client.GetJsonAsync($"/v1/deliveries?principal_id={worker["service_account_id"].Str()}")).Ok()["deliveries"]!.AsArray().Count);
        var paged = (await client.GetJsonAsync("/v1/deliveries?limit=1")).Ok();
        Assert.Single(paged["deliveries"]!.AsArray());
        Assert.Single((await client.GetJsonAsync($"/v1/deliveries?limit=1&cursor={paged["next_cursor"].Str()}")).Ok()["deliveries"]!.AsArray());

        (await client.GetJsonAsync("/v1/deliveries?status=lost")).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        (await client.GetJsonAsync("/v1/deliveries/dlv_nope")).Error(HttpStatusCode.NotFound, "delivery_not_found");
        (await f.B.GetJsonAsync($"/v1/deliveries/{Dlv(first)}")).Error(HttpStatusCode.NotFound, "delivery_not_found");
        (await client.PostAsync($"/v1/deliveries/{Dlv(first)}/replay")).Error(HttpStatusCode.Conflict, "delivery_in_flight");
    }

    [Fact]
    public async Task A_dead_letter_shows_every_attempt_and_its_replay_is_a_new_delivery_that_arrives()
    {
        var (client, org, ws) = await WorkspaceAsync();
        const string secret = "dead-letter-secret-0123456789abcdef";
        await using var receiver = await WebhookReceiver.StartAsync(secret, (_, path) => path == "/down" ? 503 : 200);
        var hook = await AccountAsync(client, new { name = "hook", delivery_mode = "http", webhook_url = receiver.BaseUrl + "/down", webhook_secret = secret });
        var id = await SendAsync(client, "hook", new { order = 7 }, maxAttempts: 1);
        var dead = await Poll.UntilAsync(() => client.GetJsonAsync($"/v1/deliveries/{Dlv(id)}").ContinueWith(t => t.Result.Ok()["delivery"]!),
            d => d["status"].Str() == "dead_lettered", TimeSpan.FromSeconds(30), "the dead letter");
        Assert.Equal("http", dead["transport_type"].Str());
        Assert.NotNull(dead["error_detail"]);
        var attempt = Assert.Single(dead["attempts"]!.AsArray())!;
        Assert.Equal(503, attempt["status_code"]!.GetValue<int>());
        Assert.Equal(receiver.BaseUrl + "/down", attempt["target"].Str());
        Assert.Contains((await client.GetJsonAsync("/v1/deliveries?status=dead_lettered")).Ok()["deliveries"]!.AsArray(), d => d!["delivery_id"].Str() == Dlv(id));

        // The endpoint is fixed; the replay (idempotent by its key) is a new delivery of the same payload, and arrives.
        (await client.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{org}/{ws}/hook/delivery", new { delivery_mode = "http", webhook_url = receiver.BaseUrl + "/up" })).Ok();
        var replay = (await client.PostAsync($"/v1/deliveries/{Dlv(id)}/replay", idempotencyKey: "replay-1")).Ok()["delivery"]!;
        Assert.Equal(Dlv(id), replay["replay_of_delivery_id"].Str());
        Assert.NotEqual(Dlv(id), replay["delivery_id"].Str());
        Assert.Equal(7, replay["payload"]!["order"]!.GetValue<int>());
        Assert.Equal(replay["delivery_id"].Str(), (await client.PostAsync($"/v1/deliveries/{Dlv(id)}/replay", idempotencyKey: "replay-1")).Ok()["delivery"]!["delivery_id"].Str());
        var replayedIntent = replay["intent_id"].Str();
        await Poll.UntilAsync(() => Task.FromResult(receiver.Received.Any(r => r.Path == "/up" && r.Body.Contains(replayedIntent))), ok => ok,
            TimeSpan.FromSeconds(20), "the replay at the fixed endpoint");
        var delivered = await Poll.UntilAsync(() => client.GetJsonAsync($"/v1/deliveries/{replay["delivery_id"].Str()}").ContinueWith(t => t.Result.Ok()["delivery"]!),
            d => d["status"].Str() == "delivered", TimeSpan.FromSeconds(20), "the replay delivered");
        Assert.Equal(200, delivered["attempts"]![0]!["status_code"]!.GetValue<int>());
        // The original stays what it was: a terminal intent is never reopened.
        Assert.Equal("FAILED", (await client.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["status"].Str());
        Assert.NotNull(hook);
    }

    [Fact]
    public async Task Submit_to_an_alias_reconcile_stuck_ones_and_count_them()
    {
        var (client, org, ws) = await WorkspaceAsync();
        var clerk = await AccountAsync(client, new { name = "clerk" });
        (await client.PostAsync("/v1/aliases", new { principal_id = clerk["service_account_id"].Str(), alias = "front-desk", alias_type = "communication" })).Ok();
        var submitted = (await client.PostAsync("/v1/deliveries", new { org_id = org, workspace_id = ws, alias = "front-desk", payload = new { note = "hi" }, correlation_id = "corr-1" }))
            .Ok()["delivery"]!;
        Assert.Equal("front-desk", submitted["alias"].Str());
        Assert.Equal(clerk["service_account_id"].Str(), submitted["principal_id"].Str());
        Assert.Equal("submitted", submitted["status"].Str());
        Assert.Equal("corr-1", submitted["correlation_id"].Str());
        Assert.Equal(clerk["agent_address"].Str(), (await client.GetJsonAsync($"/v1/intents/{submitted["intent_id"].Str()}")).Ok()["intent"]!["to_agent"].Str());
        (await client.PostAsync("/v1/deliveries", new { org_id = org, workspace_id = ws, payload = new { } })).Error(HttpStatusCode.UnprocessableEntity, "missing_field");

        var counted = (await client.GetJsonAsync("/v1/deliveries-operations?window_hours=1")).Ok();
        Assert.Equal(1, counted["counts"]!["submitted"]!.GetValue<long>());
        Assert.Equal(1, counted["total"]!.GetValue<long>());
        Assert.NotNull(counted["oldest_submitted_at"]);

        // Reconcile is an operator's: an admin dead-letters what was never handed out.
        (await client.PostAsync("/v1/deliveries/reconcile", new { org_id = org, max_pending_age_seconds = 0 })).Error(HttpStatusCode.Forbidden, "admin_required");
        (await f.Admin.PostAsync("/v1/deliveries/reconcile", new { org_id = org, workspace_id = ws, target_status = "delivered" })).Error(HttpStatusCode.UnprocessableEntity, "invalid_target_status");
        var reconciled = (await f.Admin.PostAsync("/v1/deliveries/reconcile", new { org_id = org, workspace_id = ws, max_pending_age_seconds = 0, reason = "clerk retired" })).Ok();
        Assert.Equal([submitted["delivery_id"].Str()], reconciled["delivery_ids"]!.AsArray().Select(d => d.Str()));
        var dead = (await client.GetJsonAsync($"/v1/deliveries/{submitted["delivery_id"].Str()}")).Ok()["delivery"]!;
        Assert.Equal("dead_lettered", dead["status"].Str());
        Assert.Equal("clerk retired", dead["error_detail"].Str());
        Assert.Equal(1, (await client.GetJsonAsync("/v1/deliveries-operations")).Ok()["counts"]!["dead_lettered"]!.GetValue<long>());
    }
}
