using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// The MCP limit per (owner, tool) (PROTOCOL §10.3, −32004 with HTTP 200) on a node of its own with a small limit;
/// a class fixture, so it runs beside the shared node's collection instead of holding it up.
/// </summary>
public sealed class McpRateLimitTests(RateLimitedNodeFixture f) : IClassFixture<RateLimitedNodeFixture>
{
    private const int Limited = -32004;

    /// <summary>An owner nobody else uses, so each test starts a fresh window of its own.</summary>
    private static string NewOwner() => "owner-" + Guid.NewGuid().ToString("N")[..8];

    private static Task<JsonObject> StatusAsync(HttpClient client, string owner) =>
        McpTests.CallAsync(client, "axme.status", new { owner_agent = owner });

    private static async Task<JsonObject> RefusedAsync(HttpClient client, string tool, string owner)
    {
        var error = await McpTests.ErrorAsync(client, "tools/call", new { name = tool, arguments = new { owner_agent = owner } }, Limited);
        Assert.Equal(429, error["data"]!["http_status"]!.GetValue<int>());
        Assert.Equal("rate_limit_exceeded", error["data"]!["code"].Str());
        return error;
    }

    [Fact]
    public async Task Over_the_limit_one_owner_and_tool_gets_32004_while_other_tools_owners_and_keys_keep_their_own_budget()
    {
        var owner = NewOwner();
        for (var i = 0; i < RateLimitedNodeFixture.Permits; i++) await StatusAsync(f.A, owner);
        var error = await RefusedAsync(f.A, "axme.status", owner);
        var retryAfter = int.Parse(error["data"]!["details"]!["retry_after"].Str());
        Assert.InRange(retryAfter, 1, (int)RateLimitedNodeFixture.Window.TotalSeconds);
        // The same owner in its full form is the same budget (owners are canonical addresses).
        await RefusedAsync(f.A, "axme.status", $"agent://acme/prod/{owner}");

        await McpTests.CallAsync(f.A, "axme.agents_list", new { owner_agent = owner }); // another tool
        await StatusAsync(f.A, NewOwner()); // another owner
        await StatusAsync(f.B, owner); // another workspace's key naming the same name (its own owner)
        // Without owner_agent the owner is the key's own agent: a budget of its own, untouched by the above.
        await McpTests.CallAsync(f.A, "axme.status", new { });
    }

    [Fact]
    public async Task The_window_refills()
    {
        var owner = NewOwner();
        for (var i = 0; i < RateLimitedNodeFixture.Permits; i++) await StatusAsync(f.A, owner);
        await RefusedAsync(f.A, "axme.status", owner);
        var refused = DateTime.UtcNow;
        var (_, body) = await Poll.UntilAsync(() => McpTests.RpcAsync(f.A, "tools/call", new { name = "axme.status", arguments = new { owner_agent = owner } }),
            r => r.Body["result"] is not null, RateLimitedNodeFixture.Window * 2, "the next window");
        Assert.True(DateTime.UtcNow - refused < RateLimitedNodeFixture.Window + TimeSpan.FromSeconds(1));
        Assert.Equal("completed", body["result"]!["status"].Str());
        // A full window's worth again, then refused again.
        for (var i = 1; i < RateLimitedNodeFixture.Permits; i++) await StatusAsync(f.A, owner);
        await RefusedAsync(f.A, "axme.status", owner);
    }
}
