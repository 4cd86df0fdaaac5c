using Axme.Grains.Interfaces.Agents;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>
/// Re-dispatches intents still SUBMITTED. For pushed bindings (http, inbox, internal) this is what makes
/// the delivery durable: the hand-over from an intent to its delivery grain is one-way, and a pending
/// delivery keeps no reminder of its own, so after a crash (or an idle deactivation during a long backoff)
/// the sweep brings it back (<see cref="WindowedSweep"/>: at start every such intent, then those of the last day). Re-dispatching is
/// idempotent: a delivery already pending stays as it is, and stream and poll agents only get a wake-up.
/// </summary>
public sealed partial class DeliverySweep(NpgsqlDataSource db, IGrainFactory grains, IOptions<AxmeOptions> options, TimeProvider time,
    ILogger<DeliverySweep> logger) : WindowedSweep(time)
{
    protected override async Task<int> SweepAsync(DateTimeOffset? from, DateTimeOffset until, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT to_agent, array_agg(intent_id) FROM axme_intents
            WHERE service_id = @service AND status = 'SUBMITTED' AND delivery_seq IS NOT NULL
              AND updated_at <= @until AND (@from::timestamptz IS NULL OR updated_at >= @from)
            GROUP BY to_agent
            """);
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("until", until);
        cmd.Parameters.Add(new NpgsqlParameter("from", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)from ?? DBNull.Value });
        var byAgent = new List<(string Agent, Guid[] Ids)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) byAgent.Add((reader.GetString(0), reader.GetFieldValue<Guid[]>(1)));
        await EachAsync(byAgent, a => grains.GetGrain<IAgentGrain>(a.Agent).RedispatchAsync(a.Ids));
        return byAgent.Sum(a => a.Ids.Length);
    }

    protected override void LogSwept(int count) => LogRedispatched(count);

    protected override void LogSweepFailed(Exception e) => LogFailed(e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery sweep re-dispatched {Count} submitted intents")]
    private partial void LogRedispatched(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery sweep failed")]
    private partial void LogFailed(Exception e);
}
