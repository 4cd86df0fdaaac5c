using System.Text;
using Axme.Grains.Delivery;
using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Tests.Delivery;

/// <summary>The pure parts of webhook delivery: the signature scheme, backoff and event-type matching.</summary>
public sealed class WebhookSchemeTests
{
    [Fact]
    public void The_signature_is_lowercase_hex_hmac_sha256_of_the_raw_body()
    {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        var body = Encoding.UTF8.GetBytes("what do ya want for nothing?");
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", WebhookSignature.Sign("Jefe", body));
        Assert.True(WebhookSignature.Verify("Jefe", body, "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"));
        Assert.False(WebhookSignature.Verify("Jefe", Encoding.UTF8.GetBytes("what do ya want for nothing!"), WebhookSignature.Sign("Jefe", body)));
        Assert.False(WebhookSignature.Verify("other", body, WebhookSignature.Sign("Jefe", body)));
        Assert.False(WebhookSignature.Verify("Jefe", body, null));
    }

    [Theory]
    [InlineData(1, 0.0, 1000)]
    [InlineData(1, 1.0, 2000)]
    [InlineData(2, 0.0, 2000)]
    [InlineData(3, 1.0, 8000)]
    [InlineData(10, 1.0, 60000)] // capped
    [InlineData(64, 0.5, 45000)] // no overflow
    public void Backoff_doubles_per_attempt_with_jitter_between_half_and_full_and_is_capped(int attempt, double random, int expectedMs)
    {
        var delay = RetrySchedule.Delay(attempt, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), random);
        Assert.Equal(expectedMs, delay.TotalMilliseconds, precision: 0);
    }

    [Fact]
    public void Backoff_refuses_attempt_zero()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrySchedule.Delay(0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 0));
    }

    [Theory]
    [InlineData("intent.completed", "intent.completed", true)]
    [InlineData("intent.*", "intent.failed", true)]
    [InlineData("intent.*", "inbox.thread_created", false)]
    [InlineData("*", "anything.at_all", true)]
    [InlineData("inbox.thread_created", "inbox.thread_updated", false)]
    public void Subscriptions_match_exact_names_prefix_wildcards_and_star(string subscribed, string eventType, bool matches)
    {
        var s = new WebhookSubscription
        {
            SubscriptionId = Guid.NewGuid(), OrgId = "o", WorkspaceId = "w", OwnerAgent = "agent://o/w/a", CallbackUrl = "https://x.example",
            EventTypes = [subscribed], CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch, ProtectedSecret = "p",
        };
        Assert.Equal(matches, s.Matches(eventType));
    }
}
