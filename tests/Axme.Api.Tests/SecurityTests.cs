using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

[Collection(NodeCollection.Name)]
public sealed class SecurityTests(NodeFixture f)
{
    [Fact]
    public async Task Requests_without_a_key_get_401_with_the_protocol_body()
    {
        using var anonymous = new HttpClient { BaseAddress = f.Node.BaseAddress };
        var r = (await anonymous.GetJsonAsync("/v1/intents")).Error(HttpStatusCode.Unauthorized, "missing_platform_api_key");
        Assert.Equal("x-api-key", r["error"]!["details"]!["header"].Str());
        Assert.Equal("missing platform api key", r["detail"].Str());
        (await anonymous.PostAsync("/v1/intents", new { })).Error(HttpStatusCode.Unauthorized, "missing_platform_api_key");
    }

    [Fact]
    public async Task A_wrong_key_is_401_and_a_bearer_token_works_like_x_api_key()
    {
        using var wrong = f.Node.CreateClient("axme_sa_sa_nope_0000");
        (await wrong.GetJsonAsync("/v1/intents")).Error(HttpStatusCode.Unauthorized, "invalid_platform_api_key");

        using var bearer = new HttpClient { BaseAddress = f.Node.BaseAddress };
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", f.Node.AdminKey);
        (await bearer.GetJsonAsync("/v1/intents")).Ok();
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once()
    {
        var sa = (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "acme", workspace_id = "prod", name = "revokee" })).Ok();
        var id = sa["service_account"]!["service_account_id"].Str();
        var key = (await f.Admin.PostAsync($"/v1/service-accounts/{id}/keys", new { })).Ok()["key"]!;
        using var client = f.Node.CreateClient(key["token"].Str());
        (await client.GetJsonAsync("/v1/intents")).Ok();
        var revoked = (await f.Admin.PostAsync($"/v1/service-accounts/{id}/keys/{key["key_id"].Str()}/revoke")).Ok();
        Assert.Equal("revoked", revoked["key"]!["status"].Str());
        (await client.GetJsonAsync("/v1/intents")).Error(HttpStatusCode.Unauthorized, "invalid_platform_api_key");
    }

    [Fact]
    public async Task Keys_are_stored_only_as_hashes()
    {
        var sa = (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "acme", workspace_id = "prod", name = "hashed" })).Ok();
        var id = sa["service_account"]!["service_account_id"].Str();
        var token = (await f.Admin.PostAsync($"/v1/service-accounts/{id}/keys", new { })).Ok()["key"]!["token"].Str();
        var secret = token[(token.LastIndexOf('_') + 1)..];
        var hits = await TestPostgres.ScalarAsync<long>(f.Database,
            "SELECT count(*) FROM orleansstorage WHERE position(@s in convert_from(payloadbinary, 'UTF8')) > 0", ("s", secret));
        Assert.Equal(0, hits);
        var adminHits = await TestPostgres.ScalarAsync<long>(f.Database,
            "SELECT count(*) FROM orleansstorage WHERE position(@s in convert_from(payloadbinary, 'UTF8')) > 0", ("s", f.Node.AdminKey!));
        Assert.Equal(0, adminHits);
        Assert.DoesNotContain(f.Node.AdminKey!, f.Node.Output);
    }

    [Fact]
    public async Task Another_workspace_cannot_read_list_stream_or_change_an_intent()
    {
        var id = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.private.v1", to_agent = "agent://acme/prod/w", payload = new { secret = "s3" } }))
            .Ok()["intent_id"].Str();
        (await f.B.GetJsonAsync($"/v1/intents/{id}")).Error(HttpStatusCode.Forbidden);
        (await f.B.GetJsonAsync($"/v1/intents/{id}/events")).Error(HttpStatusCode.Forbidden);
        var stream = await SseClient.ReadAsync(f.B, $"/v1/intents/{id}/events/stream?wait_seconds=1", TimeSpan.FromSeconds(10));
        Assert.Equal(403, stream.StatusCode);
        (await f.B.PostAsync($"/v1/intents/{id}/resolve", new { status = "CANCELED", reason = "x" })).Error(HttpStatusCode.Forbidden);
        (await f.B.PostAsync($"/v1/intents/{id}/resume", new { action = "complete" })).Error(HttpStatusCode.Forbidden);
        (await f.B.PostAsync($"/v1/intents/{id}/controls", new { controls_patch = new { a = 1 } })).Error(HttpStatusCode.Forbidden);
        (await f.B.PostAsync($"/v1/intents/{id}/policy", new { envelope_patch = new { a = 1 } })).Error(HttpStatusCode.Forbidden);
        var listed = (await f.B.GetJsonAsync("/v1/intents?limit=500")).Ok()["intents"]!.AsArray();
        Assert.DoesNotContain(listed, i => i!["intent_id"].Str() == id);
        (await f.B.GetJsonAsync("/v1/intents?org_id=acme&workspace_id=prod")).Error(HttpStatusCode.Forbidden);
        var bulk = (await f.B.PostAsync("/v1/intents/bulk-cancel", new { older_than_hours = 0, reason = "evil" })).Ok();
        Assert.DoesNotContain(bulk["intent_ids"]!.AsArray(), x => x.Str() == id);
        Assert.Equal("SUBMITTED", (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["status"].Str());
    }

    [Fact]
    public async Task A_workspace_key_manages_only_its_own_service_accounts()
    {
        (await f.B.PostAsync("/v1/service-accounts", new { org_id = "acme", workspace_id = "prod", name = "intruder" })).Error(HttpStatusCode.Forbidden);
        (await f.B.GetJsonAsync("/v1/service-accounts?org_id=acme&workspace_id=prod")).Error(HttpStatusCode.Forbidden);
        var own = (await f.B.PostAsync("/v1/service-accounts", new { name = "helper-bot" })).Ok()["service_account"]!;
        Assert.Equal("agent://other/ws/helper-bot", own["agent_address"].Str());
        Assert.Equal(own["agent_address"].Str(), own["address"].Str());
        var id = own["service_account_id"].Str();
        (await f.A.GetJsonAsync($"/v1/service-accounts/{id}")).Error(HttpStatusCode.Forbidden);
        (await f.A.PostAsync($"/v1/service-accounts/{id}/keys", new { })).Error(HttpStatusCode.Forbidden);
        (await f.A.SendJsonAsync(HttpMethod.Delete, $"/v1/service-accounts/{id}")).Error(HttpStatusCode.Forbidden);
    }
}
