using System.Collections.Concurrent;

namespace Axme.Grains.Interfaces.Tenancy;

/// <summary>Where usage is kept (the node's PostgreSQL: axme_usage for counted events; the real tables for levels).</summary>
public interface IUsageStore
{
    /// <summary>Adds counted events to their hourly buckets.</summary>
    Task AddAsync(IReadOnlyList<UsageIncrement> increments, CancellationToken ct);

    /// <summary>A counted dimension's total since <paramref name="from"/> (all silos' flushed counts).</summary>
    Task<long> TotalAsync(string orgId, string workspaceId, string dimension, DateTimeOffset from, CancellationToken ct);

    /// <summary>Every workspace's and dimension's total since <paramref name="from"/>, in one read (the refresh of all counters at once).</summary>
    Task<IReadOnlyDictionary<(string OrgId, string WorkspaceId, string Dimension), long>> TotalsAsync(DateTimeOffset from, CancellationToken ct);

    /// <summary>A level's current value (bytes stored, open human tasks, accounts), read from what holds it.</summary>
    Task<long> LevelAsync(string orgId, string workspaceId, string dimension, CancellationToken ct);
}

/// <summary>Events of one dimension of one workspace in one hour.</summary>
public readonly record struct UsageIncrement(string OrgId, string WorkspaceId, string Dimension, DateTimeOffset Hour, long Amount);

/// <summary>
/// Per-silo usage counts (docs/adr/029), consulted by quota checks without a grain call or a database read on the
/// request path: each workspace's count of a dimension is the database's total when last read plus what this silo
/// added since. Counted events wait in memory and are written to hourly buckets by the flush loop (UsageFlush) every
/// few seconds, which also re-reads the totals, so other silos' counts arrive within that period. A crash loses at
/// most the counts not yet flushed; nothing a quota protects depends on them being exact to the event.
/// </summary>
public sealed class UsageMeter(TimeProvider time, IUsageStore? store = null)
{
    private sealed class Counter
    {
        public long Local;      // added on this silo since the counter was made
        public long Flushed;    // of Local, how much the flush loop has written (daily counts)
        public long Counted;    // of Local, how much the database's total already held when last read
        public long Base;       // the database's total when last read
        public long LastTouched;
        public Task? Loaded;
        public long Used => Base + Volatile.Read(ref Local) - Counted;
    }

    private sealed class Minute
    {
        public long Start;
        public long Count;
    }

    private readonly ConcurrentDictionary<(string Org, string Ws, string Dim, DateTimeOffset Day), Counter> _counters = new();
    private readonly ConcurrentDictionary<(string Org, string Ws, string Dim, DateTimeOffset Hour), StrongBox> _pending = new();
    private readonly ConcurrentDictionary<(string Org, string Ws), Minute> _minutes = new();

    private sealed class StrongBox
    {
        public long Value;
    }

    public static DateTimeOffset DayOf(DateTimeOffset at) => new(at.UtcDateTime.Date, TimeSpan.Zero);

    /// <summary>The period a dimension counts over: today for daily counts, the whole past for levels.</summary>
    private DateTimeOffset PeriodOf(string dimension) =>
        QuotaDimensions.Daily.Contains(dimension) ? DayOf(time.GetUtcNow()) : DateTimeOffset.MinValue;

    /// <summary>Counts events (or a level's growth) for a workspace; never refuses.</summary>
    public void Add(string orgId, string workspaceId, string dimension, long amount)
    {
        var now = time.GetUtcNow();
        // A minute's requests are counted by AddRequest; they are written hourly only for the time series.
        if (dimension != QuotaDimensions.RequestsPerMinute) Interlocked.Add(ref CounterOf(orgId, workspaceId, dimension, now).Local, amount);
        if (!QuotaDimensions.Counted.Contains(dimension)) return; // levels are read from their own tables
        var hour = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
        Interlocked.Add(ref _pending.GetOrAdd((orgId, workspaceId, dimension, hour), _ => new StrongBox()).Value, amount);
    }

    /// <summary>Today's count (or a level's value) for a workspace; reads the database the first time a silo needs it.</summary>
    public async ValueTask<long> UsedAsync(string orgId, string workspaceId, string dimension, CancellationToken ct = default)
    {
        var counter = CounterOf(orgId, workspaceId, dimension, time.GetUtcNow());
        if (counter.Loaded is not { IsCompletedSuccessfully: true })
        {
            var load = counter.Loaded;
            if (load is null || load.IsFaulted || load.IsCanceled)
            {
                var fresh = LoadAsync(orgId, workspaceId, dimension, counter);
                load = Interlocked.CompareExchange(ref counter.Loaded, fresh, load) == load ? fresh : counter.Loaded!;
            }
            await load.WaitAsync(ct);
        }
        return counter.Used;
    }

    /// <summary>Counts one request in the workspace's current minute; the count after it.</summary>
    public long AddRequest(string orgId, string workspaceId)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var window = _minutes.GetOrAdd((orgId, workspaceId), _ => new Minute { Start = minute });
        long count;
        lock (window)
        {
            if (window.Start != minute) (window.Start, window.Count) = (minute, 0);
            count = ++window.Count;
        }
        Add(orgId, workspaceId, QuotaDimensions.RequestsPerMinute, 1);
        return count;
    }

    /// <summary>Requests of the workspace's current minute on this silo.</summary>
    public long RequestsThisMinute(string orgId, string workspaceId)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        if (!_minutes.TryGetValue((orgId, workspaceId), out var window)) return 0;
        lock (window) return window.Start == minute ? window.Count : 0;
    }

    /// <summary>Takes the counts waiting to be written (the flush loop writes them, or gives them back with <see cref="Restore"/>).</summary>
    public IReadOnlyList<UsageIncrement> TakePending()
    {
        var taken = new List<UsageIncrement>();
        foreach (var (key, box) in _pending)
        {
            var amount = Interlocked.Exchange(ref box.Value, 0);
            if (amount != 0) taken.Add(new UsageIncrement(key.Org, key.Ws, key.Dim, key.Hour, amount));
            else if (key.Hour < time.GetUtcNow().AddHours(-2)) _pending.TryRemove(key, out _);
        }
        return taken;
    }

    /// <summary>Gives back counts a flush could not write, so the next one writes them.</summary>
    public void Restore(IReadOnlyList<UsageIncrement> increments)
    {
        foreach (var i in increments)
            Interlocked.Add(ref _pending.GetOrAdd((i.OrgId, i.WorkspaceId, i.Dimension, i.Hour), _ => new StrongBox()).Value, i.Amount);
    }

    /// <summary>Notes counts the flush loop wrote: from now on a read of the database's total includes them.</summary>
    public void MarkFlushed(IReadOnlyList<UsageIncrement> increments)
    {
        foreach (var i in increments)
            if (_counters.TryGetValue((i.OrgId, i.WorkspaceId, i.Dimension, DayOf(i.Hour)), out var counter))
                Interlocked.Add(ref counter.Flushed, i.Amount);
    }

    /// <summary>
    /// Re-reads the totals of the counters used lately (after a flush, so the database holds what this silo counted)
    /// and forgets past days' and idle ones.
    /// </summary>
    public async Task RefreshAsync(TimeSpan idle, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var today = DayOf(now);
        var daily = new List<(string Org, string Ws, string Dim, Counter Counter, long Flushed)>();
        foreach (var (key, counter) in _counters)
        {
            var stale = key.Day != DateTimeOffset.MinValue && key.Day < today;
            if (stale || Volatile.Read(ref counter.LastTouched) < (now - idle).UtcTicks)
                _counters.TryRemove(key, out _);
            else if (key.Day == today)
                daily.Add((key.Org, key.Ws, key.Dim, counter, Volatile.Read(ref counter.Flushed)));
        }
        if (store is null) return;
        try
        {
            // Every workspace's daily counts in one read, however many workspaces are active: what was flushed before
            // it (noted above) is in it.
            if (daily.Count > 0)
            {
                var totals = await store.TotalsAsync(today, ct);
                foreach (var (org, ws, dim, counter, flushed) in daily)
                {
                    lock (counter) (counter.Base, counter.Counted) = (totals.GetValueOrDefault((org, ws, dim)), flushed);
                    _ = Interlocked.CompareExchange(ref counter.Loaded, Task.CompletedTask, null); // read: no first load needed
                }
            }
            // Levels one by one: they are read where they are held, and only the workspaces checked lately have one.
            foreach (var (key, counter) in _counters.Where(c => c.Key.Day == DateTimeOffset.MinValue))
            {
                ct.ThrowIfCancellationRequested();
                await LoadAsync(key.Org, key.Ws, key.Dim, counter);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The last totals stay in use; the next refresh tries again.
        }
    }

    private Counter CounterOf(string orgId, string workspaceId, string dimension, DateTimeOffset now)
    {
        var counter = _counters.GetOrAdd((orgId, workspaceId, dimension, PeriodOf(dimension)), _ => new Counter());
        Volatile.Write(ref counter.LastTouched, now.UtcTicks);
        return counter;
    }

    private async Task LoadAsync(string orgId, string workspaceId, string dimension, Counter counter)
    {
        if (store is null)
            return;
        // What of this silo's count the database holds at the read: of daily counts what was flushed; of levels all
        // of it (the request that counted wrote its row first). What lands during the read may be counted twice until
        // the next refresh, which errs on the side of the limit.
        var daily = QuotaDimensions.Daily.Contains(dimension);
        var counted = daily ? Volatile.Read(ref counter.Flushed) : Volatile.Read(ref counter.Local);
        var total = daily
            ? await store.TotalAsync(orgId, workspaceId, dimension, PeriodOf(dimension), CancellationToken.None)
            : await store.LevelAsync(orgId, workspaceId, dimension, CancellationToken.None);
        lock (counter) (counter.Base, counter.Counted) = (total, counted);
    }
}
