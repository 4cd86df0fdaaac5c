using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Tests.Accounts;

/// <summary>The receive-policy decision (ADR 017 §6), pure.</summary>
public sealed class ReceivePoliciesTests
{
    private static ReceivePolicy P(string mode, params string[] patterns) => new()
    {
        Mode = mode, Entries = [.. patterns.Select((p, i) => new ReceivePolicyEntry { EntryId = $"e{i}", SenderPattern = p, CreatedAt = DateTimeOffset.UnixEpoch })],
    };

    [Theory]
    [InlineData("*", "agent://a/b/c", true)]
    [InlineData("agent://a/*", "agent://a/b/c", true)]
    [InlineData("agent://a/b/*", "agent://a/b/c", true)]
    [InlineData("agent://a/b/c", "agent://a/b/c", true)]
    [InlineData("agent://a/b/*", "agent://a/bx/c", false)]
    [InlineData("agent://a/*", "agent://ab/b/c", false)]
    [InlineData("agent://a/b/c", "agent://a/b/cd", false)]
    public void Patterns_match_exact_addresses_and_whole_segments(string pattern, string sender, bool matches) =>
        Assert.Equal(matches, ReceivePolicies.Matches(pattern, sender));

    [Fact]
    public void The_override_decides_first_then_the_organization_for_other_organizations_only()
    {
        const string outsider = "agent://x/y/s", colleague = "agent://a/other/s", target = "agent://a/b/t";
        var def = ReceivePolicies.DefaultOverride;
        Assert.False(ReceivePolicies.Allows(outsider, target, ReceivePolicies.DefaultOrg, def));
        Assert.True(ReceivePolicies.Allows(colleague, target, ReceivePolicies.DefaultOrg, def));
        Assert.True(ReceivePolicies.Allows(outsider, target, P("open"), def));
        Assert.True(ReceivePolicies.Allows(outsider, target, P("allowlist", "agent://x/*"), def));
        Assert.False(ReceivePolicies.Allows(outsider, target, P("allowlist", "agent://z/*"), def));
        Assert.False(ReceivePolicies.Allows(colleague, target, P("open"), P("closed")));
        Assert.True(ReceivePolicies.Allows(outsider, target, P("closed"), P("open")));
        Assert.True(ReceivePolicies.Allows(outsider, target, P("closed"), P("allowlist", outsider)));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("agent://acme/*")]
    [InlineData("AGENT://Acme/prod/*")]
    [InlineData("agent://acme/prod/bot")]
    public void Good_patterns_are_stored_lower_case(string pattern) =>
        Assert.Equal(pattern.Trim().ToLowerInvariant(), ReceivePolicies.Pattern(pattern));

    [Theory]
    [InlineData("acme/*")]
    [InlineData("agent://acme")]
    [InlineData("agent://acme/prod/bot/x")]
    [InlineData("agent://a b/*")]
    [InlineData("agent://acme/*/bot")]
    public void Other_patterns_are_422(string pattern) =>
        Assert.Equal("invalid_sender_pattern", Assert.Throws<ProtocolException>(() => ReceivePolicies.Pattern(pattern)).Code);
}
