using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>A node with the default outbound policy (ADR 017): no private network allowed, not even this machine.</summary>
public sealed class StrictOutboundNodeFixture() : NodeFixture("api-ssrf", new Dictionary<string, string>
{
    ["Axme__Delivery__AllowPrivateNetworks"] = "",
});

/// <summary>Webhooks cannot be aimed at the inside (issue 11, item 5): refused at registration, refused at connection.</summary>
public sealed class OutboundTests(StrictOutboundNodeFixture f) : IClassFixture<StrictOutboundNodeFixture>
{
    private const string Secret = "whsec_outbound_0123456789abcdef";

    public static readonly TheoryData<string> Inside =
    [
        "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook", "http://127.1/hook", "http://2130706433/hook",
        "http://[::ffff:127.0.0.1]/hook", "http://10.0.0.5/hook", "http://192.168.0.10/hook", "http://169.254.169.254/latest/meta-data",
        "http://[fd00::1]/hook", "http://0.0.0.0:22/",
    ];

    [Theory]
    [MemberData(nameof(Inside))]
    public async Task A_url_aimed_at_the_inside_is_refused_at_registration_everywhere_and_nothing_is_written(string url)
    {
        var (client, address) = await f.TenantAsync("ssrf", "ws", "agent-" + Guid.NewGuid().ToString("N")[..8]);
        var name = address[(address.LastIndexOf('/') + 1)..];

        (await client.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}/delivery", new { delivery_mode = "http", webhook_url = url, webhook_secret = Secret }))
            .Error(HttpStatusCode.UnprocessableEntity, "invalid_callback_url");
        Assert.NotEqual("http", (await client.GetJsonAsync($"/v1/agents/{name}")).Ok()["agent"]!["delivery_mode"].Str());

        (await client.PostAsync("/v1/webhooks/subscriptions", new { callback_url = url, event_types = new[] { "intent.*" }, secret = Secret }))
            .Error(HttpStatusCode.UnprocessableEntity, "invalid_callback_url");
        Assert.Empty((await client.GetJsonAsync("/v1/webhooks/subscriptions")).Ok()["subscriptions"]!.AsArray());

        var other = "hook-" + Guid.NewGuid().ToString("N")[..8];
        (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "ssrf", workspace_id = "ws", name = other, delivery_mode = "http", webhook_url = url }))
            .Error(HttpStatusCode.UnprocessableEntity, "invalid_callback_url");
        var accounts = (await f.Admin.GetJsonAsync("/v1/service-accounts?org_id=ssrf&workspace_id=ws")).Ok()["service_accounts"]!.AsArray();
        Assert.DoesNotContain(accounts, a => a!["name"].Str() == other);
    }

    [Fact]
    public async Task A_host_name_that_resolves_inside_is_refused_when_sending_with_a_generic_error_and_nothing_arrives()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, (_, _) => 200);
        var port = new Uri(receiver.BaseUrl).Port;
        var host = Dns.GetHostName(); // resolves to this machine: only the connection can tell
        Assert.NotEmpty(await Dns.GetHostAddressesAsync(host));
        var (client, address) = await f.TenantAsync("ssrf", "send", "named-" + Guid.NewGuid().ToString("N")[..8]);
        var name = address[(address.LastIndexOf('/') + 1)..];
        (await client.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}/delivery",
            new { delivery_mode = "http", webhook_url = $"http://{host}:{port}/hook", webhook_secret = Secret, max_delivery_attempts = 2 })).Ok();

        var id = (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.ssrf.v1", to_agent = address, payload = new { a = 1 } })).Ok()["intent_id"].Str();
        var intent = await Poll.UntilAsync(async () => (await client.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!.AsObject(),
            i => i["status"].Str() is "FAILED" or "DELIVERED", TimeSpan.FromSeconds(30), "dead-lettering");
        Assert.Equal("FAILED", intent["status"].Str());
        var d = Assert.Single((await client.GetJsonAsync($"/v1/intents/{id}/deliveries")).Ok()["deliveries"]!.AsArray())!;
        var attempts = d["attempts"]!.AsArray();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a =>
        {
            Assert.Equal("refused: the host has no public address (ADR 017)", a!["error"].Str());
            Assert.Null(a["status_code"]?.GetValue<int?>());
        });
        Assert.Empty(receiver.Received);
        Assert.DoesNotContain($"Connection refused", f.Node.Output);
    }

    [Fact]
    public async Task A_public_url_is_accepted_at_registration()
    {
        var (client, address) = await f.TenantAsync("ssrf", "public", "pub-" + Guid.NewGuid().ToString("N")[..8]);
        var name = address[(address.LastIndexOf('/') + 1)..];
        var agent = (await client.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}/delivery",
            new { delivery_mode = "http", webhook_url = "https://hooks.example.com/axme", webhook_secret = Secret })).Ok()["agent"]!;
        Assert.Equal("https://hooks.example.com/axme", agent["webhook_url"].Str());
        Assert.IsType<JsonObject>((await client.PostAsync("/v1/webhooks/subscriptions",
            new { callback_url = "https://93.184.216.34/events", event_types = new[] { "intent.*" }, secret = Secret })).Ok()["subscription"]);
    }
}
