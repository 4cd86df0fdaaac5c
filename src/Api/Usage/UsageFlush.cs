using Axme.Grains.Interfaces.Tenancy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Axme.Api.Usage;

/// <summary>
/// Writes the silo's usage counts to axme_usage every <see cref="Period"/> and re-reads the totals its quota checks
/// use (docs/adr/029), so counting costs a request nothing and other silos' counts arrive within a period. Counts a
/// write could not store are kept for the next one; the last counts are written when the node stops.
/// </summary>
public sealed partial class UsageFlush(UsageMeter meter, UsageStore store, TimeProvider time, ILogger<UsageFlush> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);
    /// <summary>How long hourly buckets are kept (the longest time series); older ones live on as daily rollups.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);
    private DateTimeOffset _nextPrune;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
                await meter.RefreshAsync(Idle, stoppingToken);
                await PruneAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Writes what this silo counted so far (also before a read that must include it).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var pending = meter.TakePending();
        if (pending.Count == 0) return;
        try
        {
            await store.AddAsync(pending, ct);
            meter.MarkFlushed(pending);
        }
        catch (Exception e)
        {
            meter.Restore(pending);
            if (e is not OperationCanceledException) LogFlushFailed(e, pending.Count);
        }
    }

    /// <summary>Hourly, the buckets past the retention become daily rollups (every silo may do it: it is idempotent).</summary>
    private async Task PruneAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now < _nextPrune) return;
        _nextPrune = now + TimeSpan.FromHours(1);
        try
        {
            await store.PruneAsync(UsageMeter.DayOf(now) - Retention, now, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPruneFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage buckets past the retention not rolled up (tried again in an hour)")]
    private partial void LogPruneFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage counts not written ({Buckets} buckets kept for the next try)")]
    private partial void LogFlushFailed(Exception e, int buckets);
}
