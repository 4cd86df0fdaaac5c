using System.Net;
using System.Net.Sockets;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// The web inbox sign-in limit per client IP, on a node of its own with a small limit. The other client
/// connects from 127.0.0.2: all of 127.0.0.0/8 is loopback on Linux, so the node sees a second address.
/// </summary>
public sealed class InboxSignInLimitTests(SignInLimitedNodeFixture f) : IClassFixture<SignInLimitedNodeFixture>
{
    /// <summary>A browser-like client (cookies, no API key, no redirects followed) connecting from the given local address.</summary>
    private HttpClient Browser(IPAddress from) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    }) { BaseAddress = f.Node.BaseAddress };

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key, string? forwardedFor = null, string? forwardedProto = null)
    {
        var page = await (await browser.GetAsync("/inbox")).Content.ReadAsStringAsync();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/inbox/signin") { Content = MagicLinkTests.Form(page, ("api_key", key)) };
        if (forwardedFor is not null) post.Headers.Add("X-Forwarded-For", forwardedFor);
        if (forwardedProto is not null) post.Headers.Add("X-Forwarded-Proto", forwardedProto);
        return await browser.SendAsync(post);
    }

    private static bool SetsSession(HttpResponseMessage r) =>
        r.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("axme_inbox="));

    private static string SessionCookie(HttpResponseMessage r) =>
        r.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("axme_inbox=", StringComparison.Ordinal));

    /// <summary>Issue 11 item 7: TLS ends at the proxy, so only its word says https; nobody else's counts.</summary>
    [Fact]
    public async Task Behind_a_trusted_tls_proxy_the_session_cookie_is_secure_and_an_untrusted_forwarded_proto_changes_nothing()
    {
        var (_, _, key) = await Tenants.CreateAsync(f.Node, f.Admin, "gate", "p" + Guid.NewGuid().ToString("N")[..8], "human");
        using var proxy = Browser(IPAddress.Parse(SignInLimitedNodeFixture.Proxy));
        using var viaProxy = await SignInAsync(proxy, key, forwardedFor: "203.0.113.9", forwardedProto: "https");
        Assert.True(SetsSession(viaProxy), $"{(int)viaProxy.StatusCode}: {await viaProxy.Content.ReadAsStringAsync()}");
        Assert.Contains("; secure", SessionCookie(viaProxy), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", SessionCookie(viaProxy), StringComparison.OrdinalIgnoreCase);

        using var direct = Browser(IPAddress.Parse("127.0.0.5")); // an address of its own: the others spend their allowance
        using var spoofed = await SignInAsync(direct, key, forwardedProto: "https");
        Assert.True(SetsSession(spoofed), $"{(int)spoofed.StatusCode}");
        Assert.DoesNotContain("; secure", SessionCookie(spoofed), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Over_the_limit_a_client_is_refused_with_429_and_a_page_even_with_a_correct_key_while_another_address_signs_in()
    {
        var (_, _, key) = await Tenants.CreateAsync(f.Node, f.Admin, "gate", "g" + Guid.NewGuid().ToString("N")[..8], "human");
        using var guesser = Browser(IPAddress.Loopback);
        for (var i = 0; i < SignInLimitedNodeFixture.Permits; i++)
        {
            using var wrong = await SignInAsync(guesser, "axme_sk_guess" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var refused = await SignInAsync(guesser, key);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, SignInLimitedNodeFixture.Window.TotalSeconds);
        Assert.StartsWith("text/html", refused.Content.Headers.ContentType!.ToString());
        Assert.Contains("Too many attempts", await refused.Content.ReadAsStringAsync());
        Assert.True(refused.Headers.Contains("Content-Security-Policy"));
        Assert.False(SetsSession(refused), "a refused attempt does not sign in");

        using var other = Browser(IPAddress.Parse("127.0.0.2"));
        using var signedIn = await SignInAsync(other, key);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.True(SetsSession(signedIn));
        Assert.Contains("My tasks", await (await other.GetAsync("/inbox")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance_and_anyone_else_cannot_forge_one()
    {
        var (_, _, key) = await Tenants.CreateAsync(f.Node, f.Admin, "gate", "p" + Guid.NewGuid().ToString("N")[..8], "human");

        // Through the trusted proxy: one forwarded client runs out, another one behind it signs in.
        using var proxy = Browser(IPAddress.Parse(SignInLimitedNodeFixture.Proxy));
        for (var i = 0; i < SignInLimitedNodeFixture.Permits; i++)
        {
            using var wrong = await SignInAsync(proxy, "axme_sk_guess" + i, "198.51.100.7");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using (var limited = await SignInAsync(proxy, key, "198.51.100.7"))
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        using (var neighbour = await SignInAsync(proxy, key, "198.51.100.8"))
            Assert.Equal(HttpStatusCode.Redirect, neighbour.StatusCode);

        // Not a trusted proxy: a new X-Forwarded-For on every attempt still counts against the sender's own address.
        using var forger = Browser(IPAddress.Parse("127.0.0.4"));
        for (var i = 0; i < SignInLimitedNodeFixture.Permits; i++)
        {
            using var wrong = await SignInAsync(forger, "axme_sk_guess" + i, $"203.0.113.{i + 1}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var refused = await SignInAsync(forger, key, "203.0.113.99");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }
}

public sealed class TrustedProxiesTests
{
    [Fact]
    public async Task A_node_with_a_trusted_proxy_that_is_not_an_address_refuses_to_start_naming_the_setting()
    {
        var database = await TestPostgres.CreateDatabaseAsync("axme_proxy");
        try
        {
            await using var node = new NodeProcess(database, "proxy-bad", new Dictionary<string, string>
            {
                ["Axme__Api__TrustedProxies"] = "10.0.0.0/8, proxy.example.com",
            });
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => node.StartAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("Axme:Api:TrustedProxies", e.Message + node.Output);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }
}
