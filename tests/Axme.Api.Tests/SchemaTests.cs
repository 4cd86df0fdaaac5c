using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>Semantic schemas (PROTOCOL §9.4) and the payload check on intent create.</summary>
[Collection(NodeCollection.Name)]
public sealed class SchemaTests(NodeFixture f)
{
    /// <summary>Registering a schema is an admin's (ADR 017): the admin key, for workspace A.</summary>
    private const string Register = "/v1/schemas?org_id=acme&workspace_id=prod";

    private static string NewType() => $"intent.test.schema{Guid.NewGuid():N}".Substring(0, 40) + ".v1";

    private static object Order => new
    {
        type = "object",
        required = new[] { "amount", "currency" },
        properties = new { amount = new { type = "number", minimum = 0 }, currency = new { type = "string", @enum = new[] { "EUR", "USD" } } },
    };

    [Fact]
    public async Task Upsert_then_get_returns_the_schema_and_a_retry_keeps_created_at()
    {
        var type = NewType();
        var saved = (await f.Admin.PostAsync(Register, new { semantic_type = type, schema_json = Order, compatibility_mode = "strict" })).Ok()["schema"]!;
        Assert.Equal(type, saved["semantic_type"].Str());
        Assert.Matches("^[0-9a-f]{64}$", saved["schema_hash"].Str());
        Assert.Equal("tenant", saved["scope"].Str());
        Assert.True(saved["active"]!.GetValue<bool>());
        Assert.Null(saved["schema_json"]);

        var got = (await f.A.GetJsonAsync($"/v1/schemas/{type}")).Ok()["schema"]!;
        Assert.Equal(saved["schema_hash"].Str(), got["schema_hash"].Str());
        Assert.Equal("object", got["schema_json"]!["type"].Str());

        var again = (await f.Admin.PostAsync(Register, new { semantic_type = type, schema_json = new { type = "object" } })).Ok()["schema"]!;
        Assert.Equal(saved["created_at"].Str(), again["created_at"].Str());
        Assert.NotEqual(saved["schema_hash"].Str(), again["schema_hash"].Str());

        // Tenant scoped: another workspace does not see it.
        (await f.B.GetJsonAsync($"/v1/schemas/{type}")).Error(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_payload_the_schema_refuses_is_422_naming_every_bad_field_and_creates_nothing()
    {
        var type = NewType();
        (await f.Admin.PostAsync(Register, new { semantic_type = type, schema_json = Order })).Ok();

        var refused = (await f.A.PostAsync("/v1/intents", new { intent_type = type, to_agent = "schema-worker", payload = new { amount = "ten", extra = 1 } }))
            .Error(HttpStatusCode.UnprocessableEntity, "schema_invalid");
        var details = refused["error"]!["details"]!.AsObject();
        Assert.Equal("payload", details["field"].Str());
        Assert.True(details.ContainsKey("payload.amount"), refused.Text);
        Assert.True(details.ContainsKey("payload.currency"), refused.Text);
        Assert.Empty((await f.A.GetJsonAsync($"/v1/intents?intent_type={type}")).Ok()["intents"]!.AsArray());

        var wrongEnum = (await f.A.PostAsync("/v1/intents", new { intent_type = type, to_agent = "schema-worker", payload = new { amount = 5, currency = "GBP" } }))
            .Error(HttpStatusCode.UnprocessableEntity, "schema_invalid");
        Assert.True(wrongEnum["error"]!["details"]!.AsObject().ContainsKey("payload.currency"), wrongEnum.Text);

        (await f.A.PostAsync("/v1/intents", new { intent_type = type, to_agent = "schema-worker", payload = new { amount = 5, currency = "EUR" } })).Ok();
        // Another workspace registered nothing for the type: its payloads are not checked.
        (await f.B.PostAsync("/v1/intents", new { intent_type = type, to_agent = "schema-worker", payload = new { amount = "ten" } })).Ok();
    }

    [Fact]
    public async Task Warn_mode_and_inactive_schemas_do_not_refuse_and_core_schemas_apply_everywhere()
    {
        var warned = NewType();
        (await f.Admin.PostAsync(Register, new { semantic_type = warned, schema_json = Order, compatibility_mode = "warn" })).Ok();
        (await f.A.PostAsync("/v1/intents", new { intent_type = warned, to_agent = "schema-worker", payload = new { } })).Ok();

        var inactive = NewType();
        (await f.Admin.PostAsync(Register, new { semantic_type = inactive, schema_json = Order, active = false })).Ok();
        (await f.A.PostAsync("/v1/intents", new { intent_type = inactive, to_agent = "schema-worker", payload = new { } })).Ok();
        (await f.A.GetJsonAsync($"/v1/schemas/{inactive}")).Error(HttpStatusCode.NotFound);

        var core = NewType();
        (await f.A.PostAsync("/v1/schemas", new { semantic_type = core, schema_json = Order, scope = "core" })).Error(HttpStatusCode.Forbidden, "admin_required");
        // Nor a workspace key its own workspace's: a schema binds every sender of the type.
        (await f.A.PostAsync("/v1/schemas", new { semantic_type = core, schema_json = Order })).Error(HttpStatusCode.Forbidden, "admin_required");
        (await f.A.GetJsonAsync($"/v1/schemas/{core}")).Error(HttpStatusCode.NotFound);
        (await f.Admin.PostAsync("/v1/schemas", new { semantic_type = core, schema_json = Order, scope = "core" })).Ok();
        (await f.B.PostAsync("/v1/intents", new { intent_type = core, to_agent = "schema-worker", payload = new { amount = 1 } }))
            .Error(HttpStatusCode.UnprocessableEntity, "schema_invalid");
        Assert.Equal("core", (await f.B.GetJsonAsync($"/v1/schemas/{core}")).Ok()["schema"]!["scope"].Str());
    }

    [Fact]
    public async Task Bad_requests_are_refused()
    {
        (await f.Admin.PostAsync(Register, new { semantic_type = "NotAType", schema_json = Order })).Error(HttpStatusCode.UnprocessableEntity);
        (await f.Admin.PostAsync(Register, new { semantic_type = NewType() })).Error(HttpStatusCode.UnprocessableEntity, "invalid_schema");
        (await f.Admin.PostAsync(Register, new { semantic_type = NewType(), schema_json = new { type = 12 } })).Error(HttpStatusCode.BadRequest, "invalid_schema");
        (await f.Admin.PostAsync(Register, new { semantic_type = NewType(), schema_json = Order, compatibility_mode = "loose" })).Error(HttpStatusCode.UnprocessableEntity);
        (await f.A.GetJsonAsync($"/v1/schemas/{NewType()}")).Error(HttpStatusCode.NotFound);
        // The same parse check (shared) on a human task's form_schema: a 422, not a 500.
        (await f.A.PostAsync("/v1/intents", new { intent_type = NewType(), to_agent = "schema-worker", human_task = new { task_type = "form", form_schema = new { type = 12 } } }))
            .Error(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task The_mcp_send_tool_gets_the_same_check()
    {
        var type = NewType();
        (await f.Admin.PostAsync(Register, new { semantic_type = type, schema_json = Order })).Ok();
        var rpc = await f.A.PostAsync("/mcp", new
        {
            jsonrpc = "2.0", id = "s1", method = "tools/call",
            @params = new { name = "axme.intents_send", arguments = new { to_agent = "schema-worker", intent_type = type, payload = new { amount = -1 } } },
        });
        var error = rpc["error"]!;
        Assert.Equal(-32602, error["code"]!.GetValue<int>());
        Assert.Equal("schema_invalid", error["data"]!["code"].Str());
        Assert.NotNull(error["data"]!["details"]!["payload.amount"]);
    }
}
