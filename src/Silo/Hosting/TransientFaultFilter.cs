using Axme.Api.Errors;
using Axme.Grains.Interfaces.Common;

namespace Axme.Silo.Hosting;

/// <summary>
/// Where a grain of ours fails for a reason outside it — PostgreSQL gone, a silo dead or busy, an activation race —
/// the failure leaves the grain as the protocol's 503 refusal (<see cref="Transient.Unavailable"/>), and a database
/// error that is no such thing as a plain 500 refusal, the original logged here. Both are serialisable: an Npgsql
/// exception thrown on one silo reached a caller on another as a CodecNotFoundException, hiding the cause and always
/// answering 500. Orleans' own grains are left alone (the runtime catches its exceptions by type).
/// </summary>
public sealed partial class TransientFaultFilter(ILogger<TransientFaultFilter> logger) : IIncomingGrainCallFilter
{
    private static readonly System.Reflection.Assembly Ours = typeof(Axme.Grains.Intents.IntentGrain).Assembly;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var call = context.Invoke();
        return call.IsCompletedSuccessfully ? Task.CompletedTask : AwaitedAsync(call, context);
    }

    private async Task AwaitedAsync(Task call, IIncomingGrainCallContext context)
    {
        try
        {
            await call;
        }
        catch (Exception e) when (e is not ProtocolException && context.Grain?.GetType().Assembly == Ours && Refusal(e, context) is { } refusal)
        {
            throw refusal;
        }
    }

    private ProtocolException? Refusal(Exception e, IIncomingGrainCallContext context)
    {
        if (Transient.Is(e))
        {
            LogTransient(context.InterfaceName, context.MethodName, e.GetType().Name, e.Message);
            return Transient.Unavailable(e);
        }
        if (!Transient.Caused<Npgsql.NpgsqlException>(e)) return null;
        LogDatabaseError(e, context.InterfaceName, context.MethodName);
        return new ProtocolException(500, "internal_error", "internal error");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Interface}.{Method} failed transiently, refused with 503: {Type}: {Message}")]
    private partial void LogTransient(string @interface, string method, string type, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Interface}.{Method} failed in the database")]
    private partial void LogDatabaseError(Exception e, string @interface, string method);
}
