using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>
/// Finds the workflow hand-offs a crash lost, from durable state alone (docs/adr/016): a parent waiting for a step
/// intent that has no row (its create never ran) or that has already ended (the parent never heard). No timer or flag
/// is written for a hand-off in flight; the parent's waiting_child column and the step intent's row say it all.
/// Each such parent is asked to check its step (create-or-replay, then take its end); when, see <see cref="WindowedSweep"/>.
/// </summary>
public sealed partial class HandoffSweep(NpgsqlDataSource db, IGrainFactory grains, IOptions<AxmeOptions> options, TimeProvider time,
    ILogger<HandoffSweep> logger) : WindowedSweep(time)
{
    protected override async Task<int> SweepAsync(DateTimeOffset? from, DateTimeOffset until, CancellationToken ct)
    {
        var parents = await LostAsync(from, until, ct);
        await EachAsync(parents, parent => grains.GetGrain<IIntentGrain>(parent).CheckDeadlineAsync());
        return parents.Count;
    }

    private async Task<IReadOnlyList<Guid>> LostAsync(DateTimeOffset? from, DateTimeOffset until, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT p.intent_id FROM axme_intents p
            LEFT JOIN axme_intents c ON c.service_id = p.service_id AND c.intent_id = p.waiting_child
            WHERE p.service_id = @service AND p.waiting_child IS NOT NULL
              AND p.updated_at <= @until AND (@from::timestamptz IS NULL OR p.updated_at >= @from)
              AND (c.intent_id IS NULL OR c.status IN ('COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT'))
            LIMIT 10000
            """);
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("until", until);
        cmd.Parameters.Add(new NpgsqlParameter("from", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)from ?? DBNull.Value });
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    protected override void LogSwept(int count) => LogResumed(count);

    protected override void LogSweepFailed(Exception e) => LogFailed(e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hand-off sweep resumed {Count} workflow parents whose step hand-off was lost")]
    private partial void LogResumed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hand-off sweep failed")]
    private partial void LogFailed(Exception e);
}
