using System.Collections.Concurrent;
using System.Diagnostics;

namespace Axme.Bench;

/// <summary>Latency samples of one phase, in milliseconds; fixed capacity, safe to add from many tasks.</summary>
public sealed class Recorder(int capacity)
{
    private readonly double[] _ms = new double[capacity];
    private int _count;

    public void Add(double ms)
    {
        var i = Interlocked.Increment(ref _count) - 1;
        if (i < _ms.Length) _ms[i] = ms;
    }

    public LatencyStats Stats()
    {
        var n = Math.Min(Volatile.Read(ref _count), _ms.Length);
        var sorted = _ms.AsSpan(0, n).ToArray();
        Array.Sort(sorted);
        return LatencyStats.Of(sorted);
    }

    public static double Ms(long fromTimestamp, long toTimestamp) => Stopwatch.GetElapsedTime(fromTimestamp, toTimestamp).TotalMilliseconds;
}

/// <summary>Percentiles by nearest rank (the same rule as the peers' harness).</summary>
public sealed record LatencyStats(int Count, double? P50Ms, double? P95Ms, double? P99Ms, double? MaxMs, double? MeanMs)
{
    public static LatencyStats Of(double[] sorted)
    {
        if (sorted.Length == 0) return new LatencyStats(0, null, null, null, null, null);
        double P(double q) => Round(sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)]);
        return new LatencyStats(sorted.Length, P(0.50), P(0.95), P(0.99), Round(sorted[^1]), Round(sorted.Average()));
    }

    public static double Round(double v) => Math.Round(v, 2);
}

/// <summary>Counts errors and keeps the first few messages.</summary>
public sealed class ErrorLog
{
    private readonly ConcurrentQueue<string> _first = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);
    public IReadOnlyList<string> First => [.. _first];

    public void Add(Exception e)
    {
        if (Interlocked.Increment(ref _count) <= 5)
            _first.Enqueue(e is BenchHttpException ? e.Message : $"{e.GetType().Name}: {e.Message}");
    }
}

/// <summary>Bounded load loops: every loop stops at its request count or its deadline, whichever comes first.</summary>
public static class Load
{
    /// <summary>
    /// Closed loop: <paramref name="concurrency"/> workers run <paramref name="op"/> back to back until
    /// <paramref name="count"/> operations were started or <paramref name="cap"/> has passed; the latency
    /// of each successful op is recorded. Returns the wall time of the whole run.
    /// </summary>
    public static async Task<TimeSpan> ClosedAsync(int count, int concurrency, TimeSpan cap, Recorder latencies, ErrorLog errors,
        Func<int, CancellationToken, Task> op)
    {
        using var abort = new CancellationTokenSource(cap + TimeSpan.FromSeconds(45)); // last resort; HttpClient times out at 30 s
        var deadline = Stopwatch.GetTimestamp() + (long)(cap.TotalSeconds * Stopwatch.Frequency);
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count) break;
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    await op(i, abort.Token);
                    latencies.Add(Recorder.Ms(t0, Stopwatch.GetTimestamp()));
                }
                catch (Exception e)
                {
                    errors.Add(e);
                }
            }
        }));
        await Task.WhenAll(workers);
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>
    /// Open loop: starts operation i at start + i / rate regardless of how the earlier ones fare (at most
    /// <paramref name="maxInFlight"/> at once), for <paramref name="duration"/>. Latency is measured from the
    /// scheduled start, so a stalled server or a late dispatcher counts against the result (no coordinated
    /// omission); <paramref name="serviceLatencies"/> gets the time from the actual send.
    /// </summary>
    public static async Task<(TimeSpan Wall, int Scheduled, double MaxDispatchLagMs)> OpenAsync(double rate, TimeSpan duration, int maxInFlight,
        TimeSpan cap, Recorder latencies, Recorder serviceLatencies, ErrorLog errors, Func<CancellationToken, Task> op)
    {
        var total = (int)Math.Ceiling(rate * duration.TotalSeconds);
        using var abort = new CancellationTokenSource(cap + TimeSpan.FromSeconds(45));
        using var slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        var inFlight = new List<Task>(total);
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(cap.TotalSeconds * Stopwatch.Frequency);
        var ticksPerOp = Stopwatch.Frequency / rate;
        var maxLag = 0.0;
        var scheduled = 0;
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * ticksPerOp);
            var now = Stopwatch.GetTimestamp();
            if (now >= deadline) break;
            if (due > now)
            {
                var wait = Stopwatch.GetElapsedTime(now, due);
                // Task.Delay wakes up to ~1 ms late; the lag counts in the latency, so it is measured too.
                if (wait > TimeSpan.FromMilliseconds(0.5)) await Task.Delay(wait);
            }
            try
            {
                await slots.WaitAsync(abort.Token);
            }
            catch (OperationCanceledException)
            {
                break; // every slot stuck past the last-resort limit: stop scheduling
            }
            var sent = Stopwatch.GetTimestamp();
            maxLag = Math.Max(maxLag, Math.Max(0, Recorder.Ms(due, sent)));
            scheduled++;
            inFlight.Add(Run(due, sent));
        }
        await Task.WhenAll(inFlight);
        return (Stopwatch.GetElapsedTime(start), scheduled, LatencyStats.Round(maxLag));

        async Task Run(long due, long sent)
        {
            try
            {
                await Task.Yield(); // the dispatcher goes on while this request runs
                await op(abort.Token);
                var done = Stopwatch.GetTimestamp();
                latencies.Add(Recorder.Ms(due, done));
                serviceLatencies.Add(Recorder.Ms(sent, done));
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
            finally
            {
                slots.Release();
            }
        }
    }
}
