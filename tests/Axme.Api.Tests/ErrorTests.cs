using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

[Collection(NodeCollection.Name)]
public sealed class ErrorTests(NodeFixture f)
{
    [Theory]
    [InlineData("{\"intent_type\":", HttpStatusCode.BadRequest, "invalid_json", null)]
    [InlineData("[1,2]", HttpStatusCode.UnprocessableEntity, "validation_error", null)]
    [InlineData("{\"to_agent\":\"agent://a/b/c\"}", HttpStatusCode.UnprocessableEntity, "missing_field", "intent_type")]
    [InlineData("{\"intent_type\":\"intent.a.v1\"}", HttpStatusCode.UnprocessableEntity, "missing_field", "to_agent")]
    [InlineData("{\"intent_type\":\"Not A Type\",\"to_agent\":\"agent://a/b/c\"}", HttpStatusCode.UnprocessableEntity, "validation_error", "intent_type")]
    [InlineData("{\"intent_type\":\"intent.a\",\"to_agent\":\"agent://a/b/c\"}", HttpStatusCode.UnprocessableEntity, "validation_error", "intent_type")]
    [InlineData("{\"intent_type\":\"intent.a.v1\",\"to_agent\":7}", HttpStatusCode.UnprocessableEntity, "validation_error", "to_agent")]
    [InlineData("{\"intent_type\":\"intent.a.v1\",\"to_agent\":\"agent://a/b/c\",\"payload\":\"text\"}", HttpStatusCode.UnprocessableEntity, "validation_error", "payload")]
    [InlineData("{\"intent_type\":\"intent.a.v1\",\"to_agent\":\"agent://a/b/c\",\"deadline_at\":\"tomorrow\"}", HttpStatusCode.UnprocessableEntity, "validation_error", "deadline_at")]
    [InlineData("{\"intent_type\":\"intent.a.v1\",\"to_agent\":\"agent://a/b/c\",\"max_delivery_attempts\":0}", HttpStatusCode.UnprocessableEntity, "validation_error", "max_delivery_attempts")]
    [InlineData("{\"intent_type\":\"intent.a.v1\",\"to_agent\":\"agent://a/b/c\",\"max_reminders\":1.5}", HttpStatusCode.UnprocessableEntity, "validation_error", "max_reminders")]
    [InlineData("{\"intent_type\":\"intent.a.v1\",\"to_agent\":\"ab\"}", HttpStatusCode.UnprocessableEntity, "validation_error", "to_agent")]
    public async Task Bad_create_bodies_get_a_4xx_naming_the_problem_and_write_nothing(string body, HttpStatusCode status, string code, string? field)
    {
        var (client, _) = await f.TenantAsync("errors", Guid.NewGuid().ToString("N")[..8], "err");
        var r = (await client.PostAsync("/v1/intents", rawBody: body)).Error(status, code);
        if (field is not null) Assert.Equal(field, r["error"]!["details"]!["field"].Str());
        Assert.Empty((await client.GetJsonAsync("/v1/intents")).Ok()["intents"]!.AsArray());
    }

    [Fact]
    public async Task Oversize_body_is_413_and_writes_nothing()
    {
        var (client, _) = await f.TenantAsync("errors", "big", "err");
        var big = new string('x', 200_000);
        (await client.PostAsync("/v1/intents", new { intent_type = "intent.a.v1", to_agent = "agent://a/b/c", payload = new { big } }))
            .Error(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Empty((await client.GetJsonAsync("/v1/intents")).Ok()["intents"]!.AsArray());
    }

    [Fact]
    public async Task Ids_and_query_values_are_validated()
    {
        (await f.A.GetJsonAsync("/v1/intents/not-a-uuid")).Error(HttpStatusCode.UnprocessableEntity, "invalid_intent_id");
        (await f.A.GetJsonAsync($"/v1/intents/{Guid.NewGuid()}")).Error(HttpStatusCode.NotFound, "intent_not_found");
        (await f.A.GetJsonAsync($"/v1/intents/{Guid.NewGuid()}/events")).Error(HttpStatusCode.NotFound);
        (await f.A.PostAsync($"/v1/intents/{Guid.NewGuid()}/resolve", new { status = "COMPLETED" })).Error(HttpStatusCode.NotFound);
        (await f.A.GetJsonAsync("/v1/intents?status=DONE")).Error(HttpStatusCode.UnprocessableEntity, "invalid_status");
        (await f.A.GetJsonAsync("/v1/intents?limit=0")).Error(HttpStatusCode.UnprocessableEntity);
        (await f.A.GetJsonAsync("/v1/intents?cursor=zzzz")).Error(HttpStatusCode.UnprocessableEntity, "invalid_cursor");
        var stream = await SseClient.ReadAsync(f.A, $"/v1/intents/{Guid.NewGuid()}/events/stream", TimeSpan.FromSeconds(10));
        Assert.Equal(404, stream.StatusCode);
        Assert.Contains("intent_not_found", stream.Raw.ToString());
    }

    [Fact]
    public async Task Body_less_posts_with_a_json_content_type_are_accepted()
    {
        var sa = (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "acme", workspace_id = "prod", name = "bodyless" })).Ok();
        var id = sa["service_account"]!["service_account_id"].Str();
        var key = (await f.Admin.PostAsync($"/v1/service-accounts/{id}/keys", rawBody: "")).Ok()["key"]!;
        (await f.Admin.PostAsync($"/v1/service-accounts/{id}/keys/{key["key_id"].Str()}/revoke", rawBody: "")).Ok();
    }
}
