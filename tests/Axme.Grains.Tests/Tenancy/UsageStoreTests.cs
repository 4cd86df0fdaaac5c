using Axme.Api;
using Axme.Api.Usage;
using Axme.Grains.Interfaces.Tenancy;
using Microsoft.Extensions.Options;

namespace Axme.Grains.Tests.Tenancy;

/// <summary>The usage buckets in PostgreSQL (docs/adr/029): added up, read at once, and rolled up past the retention.</summary>
[Collection(ClusterCollection.Name)]
public sealed class UsageStoreTests(ClusterFixture fx)
{
    [Fact]
    public async Task Buckets_add_up_are_read_for_every_workspace_at_once_and_old_ones_become_daily_rollups()
    {
        var store = new UsageStore(fx.Db, fx.Client, Options.Create(new ApiOptions { ServiceId = fx.ServiceId }));
        var org = "us-" + Guid.NewGuid().ToString("N")[..8];
        var today = UsageMeter.DayOf(DateTimeOffset.UtcNow);
        var old = today.AddDays(-100).AddHours(3);
        await store.AddAsync([new(org, "a", QuotaDimensions.IntentsPerDay, today.AddHours(1), 2), new(org, "b", QuotaDimensions.IntentsPerDay, today, 5),
            new(org, "a", QuotaDimensions.IntentsPerDay, old, 7), new(org, "a", QuotaDimensions.IntentsPerDay, old.AddHours(1), 1)], default);
        await store.AddAsync([new(org, "a", QuotaDimensions.IntentsPerDay, today.AddHours(1), 3)], default); // the same bucket again: added

        var totals = await store.TotalsAsync(today, default);
        Assert.Equal((5L, 5L), (totals[(org, "a", QuotaDimensions.IntentsPerDay)], totals[(org, "b", QuotaDimensions.IntentsPerDay)]));
        Assert.Equal(13L, await store.TotalAsync(org, "a", QuotaDimensions.IntentsPerDay, DateTimeOffset.MinValue, default));

        Assert.True(await store.PruneAsync(today.AddDays(-90), DateTimeOffset.UtcNow, default) >= 2);
        Assert.Equal(5L, await store.TotalAsync(org, "a", QuotaDimensions.IntentsPerDay, DateTimeOffset.MinValue, default)); // today's stay
        var daily = await store.DailyAsync(org, "a", old.AddDays(-1), default);
        Assert.DoesNotContain(DateOnly.FromDateTime(old.UtcDateTime), daily.Keys); // the old buckets are gone …
        Assert.Equal(8L, await fx.ScalarAsync<long>(
            "SELECT amount FROM axme_usage_daily WHERE service_id = @s AND org_id = @o AND workspace_id = 'a' AND day = @d AND dimension = 'intents_per_day'",
            ("s", fx.ServiceId), ("o", org), ("d", DateOnly.FromDateTime(old.UtcDateTime)))); // … kept as their day's total
    }
}
