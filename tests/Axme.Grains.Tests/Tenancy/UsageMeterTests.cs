using Axme.Grains.Interfaces.Tenancy;
using Microsoft.Extensions.Time.Testing;

namespace Axme.Grains.Tests.Tenancy;

/// <summary>The per-silo usage counts behind quotas (docs/adr/029): what is counted once, flushed, re-read, and per day.</summary>
public sealed class UsageMeterTests
{
    /// <summary>A database of usage held in memory: the flushed buckets, and levels set by the test.</summary>
    private sealed class MemoryStore : IUsageStore
    {
        public readonly List<UsageIncrement> Rows = [];
        public readonly Dictionary<string, long> Levels = [];
        public int TotalsReads;

        public Task AddAsync(IReadOnlyList<UsageIncrement> increments, CancellationToken ct)
        {
            Rows.AddRange(increments);
            return Task.CompletedTask;
        }

        public Task<long> TotalAsync(string orgId, string workspaceId, string dimension, DateTimeOffset from, CancellationToken ct) =>
            Task.FromResult(Rows.Where(r => (r.OrgId, r.WorkspaceId, r.Dimension) == (orgId, workspaceId, dimension) && r.Hour >= from).Sum(r => r.Amount));

        public Task<IReadOnlyDictionary<(string OrgId, string WorkspaceId, string Dimension), long>> TotalsAsync(DateTimeOffset from, CancellationToken ct)
        {
            TotalsReads++;
            return Task.FromResult<IReadOnlyDictionary<(string, string, string), long>>(Rows.Where(r => r.Hour >= from)
                .GroupBy(r => (r.OrgId, r.WorkspaceId, r.Dimension)).ToDictionary(g => g.Key, g => g.Sum(r => r.Amount)));
        }

        public Task<long> LevelAsync(string orgId, string workspaceId, string dimension, CancellationToken ct) =>
            Task.FromResult(Levels.GetValueOrDefault(dimension));
    }

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 23, 0, 0, TimeSpan.Zero));
    private readonly MemoryStore _store = new();

    private async Task FlushAsync(UsageMeter meter)
    {
        var pending = meter.TakePending();
        await _store.AddAsync(pending, default);
        meter.MarkFlushed(pending);
        await meter.RefreshAsync(TimeSpan.FromMinutes(10), default);
    }

    [Fact]
    public async Task A_count_is_the_databases_total_plus_what_this_silo_added_since_never_twice()
    {
        // Another silo's count of today is in the database already.
        _store.Rows.Add(new UsageIncrement("o", "w", QuotaDimensions.IntentsPerDay, _time.GetUtcNow(), 5));
        var meter = new UsageMeter(_time, _store);
        meter.Add("o", "w", QuotaDimensions.IntentsPerDay, 1); // counted before the first read: not flushed yet
        Assert.Equal(6, await meter.UsedAsync("o", "w", QuotaDimensions.IntentsPerDay));
        meter.Add("o", "w", QuotaDimensions.IntentsPerDay, 2);
        Assert.Equal(8, await meter.UsedAsync("o", "w", QuotaDimensions.IntentsPerDay));

        await FlushAsync(meter);
        Assert.Equal(8, _store.Rows.Sum(r => r.Amount));
        Assert.Equal(8, await meter.UsedAsync("o", "w", QuotaDimensions.IntentsPerDay));
        _store.Rows.Add(new UsageIncrement("o", "w", QuotaDimensions.IntentsPerDay, _time.GetUtcNow(), 10)); // the other silo again
        await meter.RefreshAsync(TimeSpan.FromMinutes(10), default);
        Assert.Equal(18, await meter.UsedAsync("o", "w", QuotaDimensions.IntentsPerDay));
        Assert.Equal(0, await meter.UsedAsync("o", "other", QuotaDimensions.IntentsPerDay));

        // However many workspaces are active, a refresh reads the day's totals once.
        for (var i = 0; i < 50; i++) meter.Add("o", $"w{i}", QuotaDimensions.SchemaWritesPerDay, 1);
        var reads = _store.TotalsReads;
        await FlushAsync(meter);
        Assert.Equal(reads + 1, _store.TotalsReads);
        Assert.Equal(1, await meter.UsedAsync("o", "w7", QuotaDimensions.SchemaWritesPerDay));
    }

    [Fact]
    public async Task A_daily_count_starts_again_at_utc_midnight_and_a_failed_flush_is_written_by_the_next()
    {
        var meter = new UsageMeter(_time, _store);
        meter.Add("o", "w", QuotaDimensions.SchemaWritesPerDay, 3);
        var lost = meter.TakePending();
        meter.Restore(lost); // the write failed: given back
        Assert.Equal(3, await meter.UsedAsync("o", "w", QuotaDimensions.SchemaWritesPerDay));

        _time.Advance(TimeSpan.FromHours(1)); // 00:00 the next day
        Assert.Equal(0, await meter.UsedAsync("o", "w", QuotaDimensions.SchemaWritesPerDay));
        await FlushAsync(meter);
        // Yesterday's three landed in yesterday's bucket.
        var row = Assert.Single(_store.Rows);
        Assert.Equal((3L, new DateTimeOffset(2026, 12, 6, 23, 0, 0, TimeSpan.Zero)), (row.Amount, row.Hour));
        Assert.Equal(0, await meter.UsedAsync("o", "w", QuotaDimensions.SchemaWritesPerDay));
    }

    [Fact]
    public async Task A_level_is_read_where_it_is_held_and_requests_count_per_minute()
    {
        _store.Levels[QuotaDimensions.MediaStorageBytes] = 400;
        var meter = new UsageMeter(_time, _store);
        Assert.Equal(400, await meter.UsedAsync("o", "w", QuotaDimensions.MediaStorageBytes));
        meter.Add("o", "w", QuotaDimensions.MediaStorageBytes, 100); // a new file, before the next read
        Assert.Equal(500, await meter.UsedAsync("o", "w", QuotaDimensions.MediaStorageBytes));
        _store.Levels[QuotaDimensions.MediaStorageBytes] = 100; // files deleted
        await FlushAsync(meter);
        Assert.Equal(100, await meter.UsedAsync("o", "w", QuotaDimensions.MediaStorageBytes));
        Assert.Empty(_store.Rows); // levels are not written as counts

        Assert.Equal((1, 2), (meter.AddRequest("o", "w"), meter.AddRequest("o", "w")));
        Assert.Equal(2, meter.RequestsThisMinute("o", "w"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal((0, 1L), (meter.RequestsThisMinute("o", "w"), meter.AddRequest("o", "w")));
        await FlushAsync(meter);
        Assert.Equal(3, _store.Rows.Where(r => r.Dimension == QuotaDimensions.RequestsPerMinute).Sum(r => r.Amount)); // hourly, for the series
    }
}
