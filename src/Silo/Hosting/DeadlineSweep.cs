using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>
/// At start, ticks the intents whose next timer (deadline, reminder, wake-up, retry) came due while no node ran.
/// Orleans reminders would also fire, but only at their next period tick; this makes it happen right away.
/// </summary>
public sealed partial class DeadlineSweep(NpgsqlDataSource db, IGrainFactory grains, IOptions<AxmeOptions> options, TimeProvider time,
    ILogger<DeadlineSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // due_at is the intent's next timer (deadline, reminder, wake-up, retry): indexed, set only while something is due.
            await using var cmd = db.CreateCommand("""
                SELECT intent_id FROM axme_intents
                WHERE service_id = @service AND due_at IS NOT NULL AND due_at <= @now
                LIMIT 10000
                """);
            cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
            cmd.Parameters.AddWithValue("now", time.GetUtcNow());
            var due = new List<Guid>();
            await using (var reader = await cmd.ExecuteReaderAsync(stoppingToken))
                while (await reader.ReadAsync(stoppingToken)) due.Add(reader.GetGuid(0));
            foreach (var id in due)
            {
                try
                {
                    await grains.GetGrain<IIntentGrain>(id).CheckDeadlineAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogSweepFailed(e); // that one's reminder still fires; the others need not wait for it
                }
            }
            if (due.Count > 0) LogSwept(due.Count);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Reminders still fire at their next tick; the sweep only makes it sooner.
            LogSweepFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deadline sweep ticked {Count} overdue intents")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deadline sweep failed")]
    private partial void LogSweepFailed(Exception e);
}
