using System.Net;
using Axme.Grains.Interfaces.Delivery;
using Axme.Testing;

namespace Axme.Grains.Tests.Delivery;

/// <summary>Where outbound deliveries may connect (ADR 017): literal addresses in every notation, allow-lists, and the connection itself.</summary>
public sealed class OutboundAddressesTests
{
    private static readonly OutboundAddresses Strict = new([]);

    [Theory]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://127.1/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://api.localhost/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[0:0:0:0:0:ffff:7f00:1]/")]
    [InlineData("http://[64:ff9b::a00:1]/")]
    [InlineData("http://[2002:a9fe:a9fe::1]/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://0/")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("http://172.16.0.1/")]
    [InlineData("http://172.31.255.255/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[fc00::1]/")]
    [InlineData("http://[fd00:ec2::254]/")]
    [InlineData("http://224.0.0.1/")]
    [InlineData("http://[ff02::1]/")]
    [InlineData("http://255.255.255.255/")]
    [InlineData("http://198.18.0.1/")]
    public void A_literal_address_that_is_not_public_is_refused_in_any_notation(string url)
    {
        Assert.NotNull(Strict.Refusal(new Uri(url)));
    }

    [Theory]
    [InlineData("https://93.184.216.34/hook")]
    [InlineData("http://8.8.8.8/")]
    [InlineData("https://[2606:4700:4700::1111]/")]
    [InlineData("http://172.32.0.1/")]
    [InlineData("https://hooks.example.com/x")]
    [InlineData("https://127.0.0.1.example.com/")]
    public void Public_addresses_and_host_names_are_accepted_at_registration(string url)
    {
        Assert.Null(Strict.Refusal(new Uri(url)));
    }

    [Fact]
    public void An_allow_list_admits_exactly_what_it_names()
    {
        var dev = new OutboundAddresses(["127.0.0.1"]);
        Assert.True(dev.Permits(IPAddress.Parse("127.0.0.1")));
        Assert.True(dev.Permits(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(dev.Permits(IPAddress.Parse("127.0.0.2")));
        Assert.False(dev.Permits(IPAddress.Parse("::1")));
        Assert.Null(dev.Refusal(new Uri("http://localhost:5000/")));

        var lan = new OutboundAddresses(["10.0.0.0/8", " fd00::/8 "]);
        Assert.True(lan.Permits(IPAddress.Parse("10.200.0.7")));
        Assert.True(lan.Permits(IPAddress.Parse("fd12::1")));
        Assert.False(lan.Permits(IPAddress.Parse("192.168.0.1")));
        Assert.False(lan.Permits(IPAddress.Parse("169.254.169.254")));
        Assert.NotNull(lan.Refusal(new Uri("http://localhost/")));

        Assert.Throws<ArgumentException>(() => new OutboundAddresses(["10.0.0.0/33"]));
        Assert.Throws<ArgumentException>(() => new OutboundAddresses(["intranet"]));
    }

    [Fact]
    public async Task A_host_name_is_checked_when_connecting_and_the_connection_goes_only_to_a_permitted_address()
    {
        await using var receiver = await WebhookReceiver.StartAsync("whsec_outbound_test_secret", (_, _) => 204);
        var port = new Uri(receiver.BaseUrl).Port;
        // Names that resolve to this machine: registration cannot know, the connection does.
        foreach (var host in new[] { "localhost", Dns.GetHostName() })
        {
            Assert.NotEmpty(await Dns.GetHostAddressesAsync(host));
            using var strict = new HttpClient(Strict.CreateHandler());
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => strict.PostAsync($"http://{host}:{port}/hook", new StringContent("{}")));
            Assert.IsType<OutboundAddressRefusedException>(refused.InnerException);
        }
        Assert.Empty(receiver.Received);

        using var dev = new HttpClient(new OutboundAddresses(["127.0.0.1"]).CreateHandler());
        var response = await dev.PostAsync($"http://localhost:{port}/hook", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public void Deliveries_never_follow_a_redirect()
    {
        using var handler = Strict.CreateHandler();
        Assert.False(handler.AllowAutoRedirect);
        Assert.NotNull(handler.ConnectCallback);
    }
}
