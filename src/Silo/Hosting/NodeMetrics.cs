using System.Diagnostics;
using System.Diagnostics.Metrics;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>
/// Gauges read from PostgreSQL: live intents by status (the WAITING series is the waiting count). They are the
/// cluster's figures, so every node reports the same (dashboards take max() across nodes). Read only when scraped and
/// at most every <see cref="MaxAge"/>: one index-only scan of the live-intents index, the terminal ones are the
/// axme.intents.finished counter's.
/// </summary>
public sealed partial class NodeMetrics : IDisposable
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(15);
    private static readonly string Terminal = string.Join(", ", IntentStatus.All.Where(IntentStatus.IsTerminal).Select(s => $"'{s}'"));
    private readonly Meter _meter = new(AxmeNames.Meter);
    private readonly NpgsqlDataSource _db;
    private readonly string _serviceId;
    private readonly ILogger<NodeMetrics> _log;
    private readonly Lock _gate = new();
    private IReadOnlyList<Measurement<long>> _live = [];
    private long _readAt;

    public NodeMetrics(NpgsqlDataSource db, IOptions<AxmeOptions> options, ILogger<NodeMetrics> log)
    {
        (_db, _serviceId, _log) = (db, options.Value.ServiceId, log);
        _meter.CreateObservableGauge("axme.intents.live", Live,
            description: "Intents not finished, by status: the cluster's, read from PostgreSQL at most every 15 s");
    }

    private IEnumerable<Measurement<long>> Live()
    {
        lock (_gate)
        {
            if (_readAt != 0 && Stopwatch.GetElapsedTime(_readAt) < MaxAge) return _live;
            try
            {
                using var cmd = _db.CreateCommand(
                    $"SELECT status, count(*) FROM axme_intents WHERE service_id = $1 AND status NOT IN ({Terminal}) GROUP BY status");
                cmd.CommandTimeout = 5;
                cmd.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
                using var reader = cmd.ExecuteReader();
                var counts = IntentStatus.NonTerminal.ToDictionary(s => s, _ => 0L); // a status with none shows 0, not a gap
                while (reader.Read()) counts[reader.GetString(0)] = reader.GetInt64(1);
                _live = [.. counts.Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>("status", c.Key)))];
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogUnread(e); // the last figures stay (a scrape during an outage shows them, not zeros)
            }
            _readAt = Stopwatch.GetTimestamp();
            return _live;
        }
    }

    public void Dispose() => _meter.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the live intents for /metrics; the last figures stay")]
    private partial void LogUnread(Exception e);
}
