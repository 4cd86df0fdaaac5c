using System.Reflection;
using Axme.Api.Errors;
using Axme.Grains.Interfaces.Common;
using Orleans.Concurrency;

namespace Axme.Silo.Hosting;

/// <summary>
/// Retries a grain call that certainly changed nothing, so a silo leaving the cluster gracefully (a rolling restart)
/// fails no request: the stopping silo refuses the calls that still reach its grains ("Silo stopping", sent to the
/// caller before the grain saw the call, with the word to forget that location), and while the membership changes a
/// grain may briefly have two activations, one of which loses its write (nothing written, the activation dropped:
/// <see cref="Transient.WriteRaced"/>); the retry finds the grain's one activation. A call lost with a silo that went
/// away (SiloUnavailableException) may have run: only methods that change nothing ([ReadOnly]) are retried then. A call
/// whose forwarding failed ("Forwarding failed … to invalid activation. Rejecting now") reached only activations that
/// were no longer valid (deactivating, or moved with a silo) and was handed on unread each time, so it never ran
/// whatever its method: retried too (seen for an API key's AuthenticateAsync, and for an intent's SubscribeAsync as a
/// finished intent deactivated itself, during rolling restarts in CI, 2026-12-05).
/// Anything else fails as before (503 with Retry-After).
/// </summary>
public sealed partial class RejectedCallRetry(ILogger<RejectedCallRetry> logger) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)];

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        var call = context.Invoke();
        return call.IsCompletedSuccessfully ? Task.CompletedTask : RetriedAsync(call, context);
    }

    private async Task RetriedAsync(Task call, IOutgoingGrainCallContext context)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await call;
                return;
            }
            catch (Exception e) when (attempt < Delays.Length && NeverRan(e, context))
            {
                LogRetry(context.InterfaceName, context.MethodName, e.GetType().Name, e.Message, attempt + 1);
                await Task.Delay(Delays[attempt]);
            }
            call = context.Invoke();
        }
    }

    /// <summary>Whether the call certainly did not run, or running it again changes nothing.</summary>
    public static bool NeverRan(Exception e, IGrainCallContext context) => e switch
    {
        SiloUnavailableException => ReadOnly(context),
        OrleansMessageRejectionException r => r.Message.Contains("Silo stopping", StringComparison.Ordinal)
            || r.Message.Contains("Forwarding failed", StringComparison.Ordinal),
        ProtocolException { Status: 503 } p => p.Message == Transient.WriteRaced,
        _ => false,
    };

    private static bool ReadOnly(IGrainCallContext context) => context.InterfaceMethod?.GetCustomAttribute<ReadOnlyAttribute>() is not null;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Interface}.{Method} turned away ({Type}: {Message}); retry {Attempt}")]
    private partial void LogRetry(string @interface, string method, string type, string message, int attempt);
}
