using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Tests.Accounts;

/// <summary>Tenant names are canonical and one-to-one with addresses and directory keys (issue 11 item 2, ADR 017).</summary>
public sealed class TenantNamesTests
{
    [Theory]
    [InlineData("acme", "acme")]
    [InlineData("Acme", "acme")]
    [InlineData("  ACME ", "acme")]
    [InlineData("a.b_c-9", "a.b_c-9")]
    [InlineData("0", "0")]
    public void Names_are_made_canonical(string given, string canonical)
    {
        Assert.Equal(canonical, TenantNames.Canonical(given, "org_id"));
        Assert.True(TenantNames.IsCanonical(canonical));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData("-acme")]
    [InlineData(".acme")]
    [InlineData("acmé")]
    [InlineData("acme!")]
    [InlineData("agent://acme")]
    [InlineData("a%2Fb")]
    [InlineData("b-")]
    public void Anything_else_is_refused_naming_the_field(string given)
    {
        var e = Assert.Throws<ProtocolException>(() => TenantNames.Canonical(given, "workspace_id"));
        Assert.Equal(422, e.Status);
        Assert.Equal("invalid_name", e.Code);
        Assert.Equal("workspace_id", e.Details!["field"]);
    }

    [Fact]
    public void Too_long_a_name_is_refused()
    {
        Assert.Equal(new string('a', 63), TenantNames.Canonical(new string('a', 63), "org_id"));
        Assert.Throws<ProtocolException>(() => TenantNames.Canonical(new string('a', 64), "org_id"));
    }

    /// <summary>
    /// Property: over random triples drawn from an alphabet rich in the characters that used to collide (case,
    /// '/', spaces, punctuation), two triples that are accepted and differ after canonicalisation never share an
    /// agent address, a workspace key or a webhook directory key; triples that are equal after it share all three.
    /// </summary>
    [Fact]
    public void Distinct_tenants_never_share_an_address_or_a_key()
    {
        var rng = new Random(20261204);
        const string alphabet = "aAbB01-_./ !é";
        string Draw() => new([.. Enumerable.Range(0, rng.Next(0, 5)).Select(_ => alphabet[rng.Next(alphabet.Length)])]);
        var seen = new Dictionary<string, (string Org, string Ws, string Name)>();
        var keys = new Dictionary<string, (string Org, string Ws)>();
        var accepted = 0;
        for (var i = 0; i < 100_000; i++)
        {
            string org, ws, name;
            try
            {
                org = TenantNames.Canonical(Draw(), "org_id");
                ws = TenantNames.Canonical(Draw(), "workspace_id");
            }
            catch (ProtocolException)
            {
                continue;
            }
            name = Draw();
            if (AgentAddress.Slug(name).Length == 0) continue;
            accepted++;
            Assert.Equal(org, AgentAddress.Slug(org)); // what addresses apply changes nothing
            var tenant = (org, ws, AgentAddress.Slug(name));
            var address = AgentAddress.ForServiceAccount(org, ws, name);
            if (seen.TryGetValue(address, out var other)) Assert.Equal(other, tenant);
            else seen[address] = tenant;
            foreach (var key in new[] { IWorkspaceGrain.KeyFor(org, ws), "webhooks " + IWebhookDirectoryGrain.KeyFor(org, ws) })
            {
                if (keys.TryGetValue(key, out var owner)) Assert.Equal(owner, (org, ws));
                else keys[key] = (org, ws);
            }
            // The address names its tenant back: agent://org/ws/name, split on '/', gives exactly the triple.
            Assert.Equal(new[] { org, ws, tenant.Item3 }, address["agent://".Length..].Split('/'));
        }
        Assert.True(accepted > 1000, $"only {accepted} triples were accepted: the property was barely tried");
    }
}
