using System.Threading.Channels;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;

namespace Axme.Grains.Tests.Common;

/// <summary>A holder of kept answers (an API key's, an agent's) that records what it was told to forget.</summary>
public sealed class RecordingHolder : IApiKeyHolder, IAgentHolder
{
    private readonly Channel<string> _forgotten = Channel.CreateUnbounded<string>();

    public Task ForgetAsync(string key) => _forgotten.Writer.WriteAsync(key).AsTask();

    /// <summary>What it was told since the last look.</summary>
    public string[] Forgotten()
    {
        var taken = new List<string>();
        while (_forgotten.Reader.TryRead(out var key)) taken.Add(key);
        return [.. taken];
    }
}
