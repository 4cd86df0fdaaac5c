using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Axme.Api.Hosting;

/// <summary>
/// A graceful stop behind a load balancer (SIGTERM, a rolling restart): /ready answers 503 at once, the node goes on
/// serving for <see cref="ApiOptions.DrainDelay"/> while the balancer notices, then its SSE windows end as usual
/// (stream.timeout with the cursor: listeners reconnect, through the balancer, to another node). Only then does the
/// host stop the web server, which lets the requests in flight finish, and the silo after it.
/// </summary>
/// <remarks>
/// StoppingAsync runs before any hosted service's StopAsync, so nothing stops serving during the delay.
/// </remarks>
public sealed partial class NodeDrain(IOptions<ApiOptions> options, ILogger<NodeDrain> log) : IHostedLifecycleService
{
    private readonly CancellationTokenSource _closing = new();

    /// <summary>The node is stopping: unready, still serving.</summary>
    public bool Draining { get; private set; }

    /// <summary>Cancelled when the drain delay is over: long-lived responses end their window.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>
    /// The window of a long-lived response (an SSE stream, an MCP wait): it closes after <paramref name="length"/>, when
    /// the client goes away, or when the node stops (the listener resumes elsewhere from its cursor).
    /// </summary>
    public CancellationTokenSource Window(TimeSpan length, CancellationToken aborted)
    {
        var window = CancellationTokenSource.CreateLinkedTokenSource(aborted, Closing);
        window.CancelAfter(length);
        return window;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        Draining = true;
        LogDraining(log, options.Value.DrainDelay.TotalSeconds);
        try
        {
            await Task.Delay(options.Value.DrainDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the host's shutdown timeout ran out: close at once
        }
        await _closing.CancelAsync();
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: unready now, serving for {Seconds} s more, then closing streams")]
    private static partial void LogDraining(ILogger log, double seconds);
}
