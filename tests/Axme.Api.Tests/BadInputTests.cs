using System.Net;
using System.Text;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// The inputs that once got a 500 (issue 11, item 1), each now a 4xx naming the problem that changes nothing. The
/// fuzzer (Fuzz/InputFuzzTests) covers their kinds over every operation; these pin the reported cases.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class BadInputTests(NodeFixture f)
{
    [Theory]
    [InlineData("{\"status\":\"CANCELED\",\"reason\":\"r\",\"reason\":{}}", "invalid_json")]
    [InlineData("{\"status\":\"CANCELED\",\"result\":{\"a\":[{\"b\":1,\"b\":2}]}}", "invalid_json")]
    [InlineData("{\"\\ud800\":1}", "invalid_json")]
    [InlineData("{\"status\":\"CANCELED\",\"reason\":\"\\udfff\"}", "invalid_json")]
    [InlineData("{\"status\":\"CANCELED\",\"reason\":\"a\\u0000b\"}", "validation_error")]
    [InlineData("{\"status\":\"COMPLETED\",\"result\":{\"n\":1e400}}", "validation_error")]
    public async Task A_resolve_with_a_bad_body_is_refused_and_the_intent_stays_as_it_was(string body, string code)
    {
        var id = await CreateAsync();
        var r = await f.A.PostAsync($"/v1/intents/{id}/resolve", rawBody: body);
        Assert.True(r.Status is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, r.Text);
        r.Error(r.Status, code);
        var intent = (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
        Assert.NotEqual("CANCELED", intent["status"].Str());
        Assert.NotEqual("COMPLETED", intent["status"].Str());
    }

    [Fact]
    public async Task Invalid_utf8_in_a_body_is_400()
    {
        using var content = new ByteArrayContent([.. "{\"intent_type\":\"intent.a.v1\",\"to_agent\":\""u8.ToArray(), 0xff, 0xfe, .. "\"}"u8.ToArray()]);
        content.Headers.ContentType = new("application/json");
        var response = await f.A.PostAsync("/v1/intents", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_json", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/v1/intents?from_agent=%00", "from_agent")]
    [InlineData("/v1/intents?correlation_id=a%00b", "correlation_id")]
    [InlineData("/v1/agents?org_id=%00", "org_id")]
    [InlineData("/v1/intents?intent_type=x%01", "intent_type")]
    public async Task A_control_character_in_a_query_parameter_is_400_naming_it(string path, string field)
    {
        var r = (await f.Admin.GetJsonAsync(path)).Error(HttpStatusCode.BadRequest, "invalid_parameter");
        Assert.Equal(field, r["error"]!["details"]!["field"].Str());
    }

    [Theory]
    [InlineData("DELETE", "/v1/service-accounts/%20", "service_account_id")]
    [InlineData("GET", "/v1/users/%20", "user_id")]
    [InlineData("GET", "/v1/intents/%20%09", "intent_id")]
    [InlineData("POST", "/v1/intents/%20/resolve", "intent_id")]
    public async Task A_blank_id_in_a_path_is_400_naming_it(string method, string path, string field)
    {
        var r = (await f.Admin.SendJsonAsync(new HttpMethod(method), path, method == "POST" ? new { status = "CANCELED" } : null))
            .Error(HttpStatusCode.BadRequest, "invalid_parameter");
        Assert.Equal(field, r["error"]!["details"]!["field"].Str());
    }

    [Theory]
    [InlineData("99999999999999999999999:00000000-0000-0000-0000-000000000001")]
    [InlineData("-5:00000000-0000-0000-0000-000000000001")]
    [InlineData("not base64 at all!")]
    public async Task A_forged_list_cursor_is_422_invalid_cursor(string raw)
    {
        foreach (var cursor in new[] { raw, Convert.ToBase64String(Encoding.UTF8.GetBytes(raw)).TrimEnd('=') })
            (await f.A.GetJsonAsync($"/v1/intents?cursor={Uri.EscapeDataString(cursor)}")).Error(HttpStatusCode.UnprocessableEntity, "invalid_cursor");
    }

    [Theory]
    [InlineData("/v1/intents/bulk-cancel", "{\"older_than_hours\":1e300}", "older_than_hours")]
    [InlineData("/v1/intents/bulk-cancel", "{\"older_than_hours\":9.3e18}", "older_than_hours")]
    [InlineData("/v1/intents/bulk-cancel", "{\"older_than_hours\":1e400}", "older_than_hours")]
    [InlineData("/v1/intents/bulk-cancel", "{\"limit\":2147483648}", "limit")]
    [InlineData("/v1/intents/bulk-cancel", "{\"limit\":99999999999999999999999}", "limit")]
    public async Task Numbers_beyond_what_the_node_can_compute_with_are_422_naming_the_field(string path, string body, string field)
    {
        var r = (await f.A.PostAsync(path, rawBody: body)).Error(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(field, r["error"]!["details"]!["field"].Str());
    }

    [Fact]
    public async Task A_magic_link_ttl_beyond_range_is_422()
    {
        var id = await CreateAsync();
        var r = (await f.A.PostAsync($"/v1/intents/{id}/magic-links", rawBody: "{\"assignee\":\"a@example.com\",\"ttl_seconds\":1e300}"))
            .Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        Assert.Equal("ttl_seconds", r["error"]!["details"]!["field"].Str());
    }

    [Fact]
    public async Task An_unknown_route_is_404_with_the_protocol_body()
    {
        (await f.A.GetJsonAsync("/v1/no-such-thing")).Error(HttpStatusCode.NotFound, "not_found");
        (await f.A.GetJsonAsync("/v1/inbox/%2e%2e")).Error(HttpStatusCode.NotFound, "not_found");
        Assert.Contains("GET /no-such-thing", (await f.A.GetJsonAsync("/no-such-thing")).Error(HttpStatusCode.NotFound, "not_found")["error"]!["message"].Str());
        // The gateway's own /v1/users paths are their routes, not read as a user's id ("user not found: check-nick").
        Assert.Equal("@ann", (await f.A.GetJsonAsync("/v1/users/check-nick?nick=ann")).Ok()["normalized_nick"].Str());
        Assert.Equal("@zz-nobody", (await f.A.GetJsonAsync("/v1/users/resolve-nick?nick=zz-nobody")).Ok()["normalized_nick"].Str());
        (await f.A.GetJsonAsync("/v1/users/profile")).Error(HttpStatusCode.UnprocessableEntity, "missing_field"); // an agent's key names the person
        (await f.Admin.GetJsonAsync("/v1/users/sa_doesnotexist0000000")).Error(HttpStatusCode.NotFound, "user_not_found");
        // A last segment with a dot ("..", "a.json") misses like any other path: with the body, not an empty 404
        // (the fuzzer at scale 20 found PATCH /v1/users/..%2f with a garbage content type answered empty).
        (await f.A.GetJsonAsync("/v1/no-such-thing/report.json")).Error(HttpStatusCode.NotFound, "not_found");
        using var dotted = new HttpRequestMessage(HttpMethod.Patch, "/v1/users/..%2f") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "garbage/x") };
        var missed = await f.A.SendAsync(dotted);
        Assert.True((int)missed.StatusCode is 404 or 415, $"{missed.StatusCode}");
        Assert.False(System.Text.Json.Nodes.JsonNode.Parse(await missed.Content.ReadAsStringAsync())!["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_route_taken_with_another_method_is_405_and_a_body_that_is_not_json_is_415_both_with_the_protocol_body()
    {
        var wrongMethod = await f.A.SendJsonAsync(HttpMethod.Put, "/v1/intents", new { });
        Assert.Contains("does not take PUT", wrongMethod.Error(HttpStatusCode.MethodNotAllowed, "method_not_allowed")["error"]!["message"].Str());
        Assert.Equal(["GET", "POST"], wrongMethod.Message.Content.Headers.Allow.Order());
        using var text = new HttpRequestMessage(HttpMethod.Post, "/v1/scenarios/apply") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "text/plain") };
        var response = await f.A.SendAsync(text);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("unsupported_media_type", body["error"]!["code"].Str());
        Assert.Contains("Content-Type: application/json (got text/plain", body["error"]!["message"].Str());
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"method\":\"ping\"}", -32700)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"\\ud800\":1}", -32700)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":{\"a\":\"\\u0000\"}}}", -32602)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pi\\u0000ng\"}", -32600)]
    public async Task Mcp_answers_bad_json_with_its_own_codes_before_and_after_authentication_and_logs_nothing(string body, int code)
    {
        using var anonymous = new HttpClient { BaseAddress = f.Node.BaseAddress };
        foreach (var client in new[] { anonymous, f.Admin })
        {
            var r = await client.PostAsync("/mcp", rawBody: body);
            Assert.Equal(HttpStatusCode.OK, r.Status);
            Assert.Equal(code, r["error"]!["code"]!.GetValue<int>());
        }
        Assert.DoesNotContain("MCP ping failed", f.Node.Output);
        Assert.DoesNotContain("ArgumentException: An item with the same key", f.Node.Output);
    }

    private async Task<string> CreateAsync() =>
        (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.badinput.v1", to_agent = f.AgentA, payload = new { a = 1 } })).Ok()["intent_id"].Str();
}
