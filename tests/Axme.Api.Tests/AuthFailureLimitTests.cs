using System.Net;
using System.Net.Sockets;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>A node whose failed-authentication budget is small: 3 per client address per minute.</summary>
public sealed class AuthFailureLimitedNodeFixture() : NodeFixture("api-authfail", new Dictionary<string, string>
{
    ["Axme__Api__AuthFailurePermits"] = "3",
    ["Axme__Api__AuthFailureWindow"] = "00:01:00",
});

/// <summary>Keys cannot be guessed at speed (issue 11 item 6): failed authentications are limited per client address.</summary>
public sealed class AuthFailureLimitTests(AuthFailureLimitedNodeFixture f) : IClassFixture<AuthFailureLimitedNodeFixture>
{
    /// <summary>A client connecting from the given local address (all of 127.0.0.0/8 is loopback on Linux).</summary>
    private HttpClient From(IPAddress address, string? key) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(address, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = f.Node.BaseAddress,
        DefaultRequestHeaders = { { "x-api-key", key ?? "" } },
    };

    [Fact]
    public async Task After_its_failures_an_address_gets_429_before_any_key_is_checked_and_other_addresses_and_valid_keys_elsewhere_are_untouched()
    {
        var guesser = IPAddress.Parse("127.0.0.7");
        for (var i = 0; i < 3; i++)
        {
            using var wrong = From(guesser, $"axme_sa_sa_guess_{i:D64}");
            (await wrong.GetJsonAsync("/v1/intents")).Error(HttpStatusCode.Unauthorized, "invalid_platform_api_key");
        }
        using var fourth = From(guesser, "axme_sa_sa_guess_again");
        var limited = (await fourth.GetJsonAsync("/v1/intents")).Error(HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
        Assert.InRange(int.Parse(limited.Message.Headers.GetValues("Retry-After").Single()), 1, 60);
        // Spent means spent: even the right key from that address waits (it is refused before it is looked up).
        using var right = From(guesser, f.Node.AdminKey);
        (await right.GetJsonAsync("/v1/intents")).Error(HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
        using var mcp = From(guesser, f.Node.AdminKey);
        var rpc = await mcp.PostAsync("/mcp", new { jsonrpc = "2.0", id = 1, method = "ping" });
        Assert.Equal(-32004, rpc["error"]!["code"]!.GetValue<int>());

        // Another address is untouched, and successful calls spend nothing.
        using var other = From(IPAddress.Parse("127.0.0.8"), f.Node.AdminKey);
        for (var i = 0; i < 10; i++) (await other.GetJsonAsync("/v1/intents")).Ok();
    }
}
