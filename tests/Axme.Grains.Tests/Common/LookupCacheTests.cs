using Axme.Grains.Interfaces.Common;
using Microsoft.Extensions.Time.Testing;

namespace Axme.Grains.Tests.Common;

/// <summary>Consulted grains' answers per silo: kept for their lifetime, and the last one served while the grain cannot answer.</summary>
public sealed class LookupCacheTests
{
    [Fact]
    public async Task Kept_for_its_lifetime_then_asked_again_and_the_last_answer_stands_while_asking_fails()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new LookupCache<string>(clock, TimeSpan.FromSeconds(5));
        var asked = 0;
        var failing = false;
        Task<string> Lookup(string key)
        {
            asked++;
            return failing ? Task.FromException<string>(new TimeoutException("grain unreachable")) : Task.FromResult($"{key}#{asked}");
        }

        Assert.Equal("a#1", await cache.GetAsync("a", Lookup));
        Assert.Equal("a#1", await cache.GetAsync("a", Lookup)); // within its lifetime: not asked
        Assert.Equal(1, asked);

        clock.Advance(TimeSpan.FromSeconds(6));
        failing = true;
        Assert.Equal("a#1", await cache.GetAsync("a", Lookup)); // due, the grain fails: the last answer
        Assert.Equal(2, asked);
        await Assert.ThrowsAsync<TimeoutException>(async () => await cache.GetAsync("b", Lookup)); // never answered: fails

        failing = false;
        Assert.Equal("a#4", await cache.GetAsync("a", Lookup)); // asked again as soon as the grain answers
        cache.Invalidate("a");
        Assert.Equal("a#5", await cache.GetAsync("a", Lookup));
    }
}
