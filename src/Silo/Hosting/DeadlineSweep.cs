using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>
/// At start, times out the live intents whose deadline passed while no node ran. Orleans reminders
/// would also fire, but only at their next period tick; this makes it happen right away.
/// </summary>
public sealed partial class DeadlineSweep(NpgsqlDataSource db, IGrainFactory grains, IOptions<AxmeOptions> options, TimeProvider time,
    ILogger<DeadlineSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var cmd = db.CreateCommand("""
                SELECT intent_id FROM axme_intents
                WHERE service_id = @service AND deadline_at IS NOT NULL AND deadline_at <= @now
                  AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT')
                LIMIT 10000
                """);
            cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
            cmd.Parameters.AddWithValue("now", time.GetUtcNow());
            var due = new List<Guid>();
            await using (var reader = await cmd.ExecuteReaderAsync(stoppingToken))
                while (await reader.ReadAsync(stoppingToken)) due.Add(reader.GetGuid(0));
            foreach (var id in due)
                await grains.GetGrain<IIntentGrain>(id).CheckDeadlineAsync();
            if (due.Count > 0) LogSwept(due.Count);
        }
        catch (Exception e) when (e is NpgsqlException or OrleansException or TimeoutException)
        {
            // Reminders still fire at their next tick; the sweep only makes it sooner.
            LogSweepFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deadline sweep timed out {Count} overdue intents")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deadline sweep failed")]
    private partial void LogSweepFailed(Exception e);
}
