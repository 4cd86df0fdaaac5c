using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Axme.Grains.Delivery;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Delivery;

/// <summary>
/// A test internal handler: throws for the first payload.fail_times calls of an intent (failed attempts,
/// retried), then completes with the number of calls; payload.decide = "fail" makes it return a failure.
/// </summary>
public sealed class FlakyHandler : IInternalHandler
{
    public static readonly FlakyHandler Instance = new();
    private readonly ConcurrentDictionary<Guid, int> _calls = new();

    public string Name => "flaky";

    public int Calls(Guid intentId) => _calls.GetValueOrDefault(intentId);

    public Task<InternalOutcome> HandleAsync(IntentRecord intent, CancellationToken cancellationToken)
    {
        var payload = JsonNode.Parse(intent.PayloadJson)!;
        var n = _calls.AddOrUpdate(intent.IntentId, 1, (_, c) => c + 1);
        if (n <= (payload["fail_times"]?.GetValue<int>() ?? 0)) throw new InvalidOperationException($"flaky failure {n}");
        return Task.FromResult(payload["decide"]?.GetValue<string>() == "fail"
            ? InternalOutcome.Failed("refused", "the handler refused it")
            : InternalOutcome.Completed($$"""{"calls":{{n}}}"""));
    }
}
