using Microsoft.Extensions.Logging;

namespace Axme.Grains.Common;

/// <summary>
/// The silos keeping a grain's answer (KeptAnswers, ADR 034), remembered by the grain: told to forget it, all at once,
/// before a change of the grain returns and when its activation ends. One that cannot be told — its silo died or is
/// cut off — is let go: a dead silo keeps nothing, and a live one drops the answer within KeptAnswers.Lifetime.
/// </summary>
public sealed class Holders<THolder>(ILogger logger) where THolder : class
{
    /// <summary>How long a change waits for a holder to forget: past it, the holder's own lifetime bound applies.</summary>
    private static readonly TimeSpan ForgetTimeout = TimeSpan.FromSeconds(5);

    private readonly HashSet<THolder> _holders = [];

    public void Add(THolder holder) => _holders.Add(holder);

    /// <summary>Tells every holder to forget (<paramref name="forget"/> calls this silo's own cache directly: see KeptAnswers.Direct).</summary>
    public async Task ReleaseAsync(Func<THolder, Task> forget)
    {
        if (_holders.Count == 0) return;
        var holders = _holders.ToArray();
        _holders.Clear();
        await Task.WhenAll(holders.Select(async h =>
        {
            try
            {
                await forget(h).WaitAsync(ForgetTimeout);
            }
            catch (Exception e)
            {
                HolderLog.Unreachable(logger, typeof(THolder).Name, e.GetType().Name);
            }
        }));
    }
}

internal static partial class HolderLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "A silo keeping a grain's answer ({Holder}) could not be told to forget it ({Reason}); it drops the answer within its lifetime")]
    public static partial void Unreachable(ILogger logger, string holder, string reason);
}
