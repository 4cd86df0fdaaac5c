using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Delivery;

/// <summary>What an internal handler decided: the intent completes with a result or fails with an error.</summary>
public sealed record InternalOutcome(bool Succeeded, string? ResultJson = null, string? ErrorJson = null)
{
    public static InternalOutcome Completed(string resultJson) => new(true, resultJson);

    public static InternalOutcome Failed(string code, string message) =>
        new(false, ErrorJson: Common.JsonText.Object(("code", code), ("message", message)));
}

/// <summary>
/// A handler that runs inside the silo for agents bound to <c>internal</c> (PROTOCOL §6.5): built-in steps
/// and runtime services. Registered in DI; an agent names it with <c>internal_handler</c> (default: its name).
/// Throwing counts as a failed attempt and is retried like a failed webhook; returning Failed fails the intent.
/// </summary>
public interface IInternalHandler
{
    string Name { get; }

    Task<InternalOutcome> HandleAsync(IntentRecord intent, CancellationToken cancellationToken);
}

/// <summary>The registered internal handlers, by name.</summary>
public sealed class InternalHandlers(IEnumerable<IInternalHandler> handlers)
{
    private readonly Dictionary<string, IInternalHandler> _byName = handlers.ToDictionary(h => h.Name, StringComparer.Ordinal);

    public IEnumerable<string> Names => _byName.Keys.Order(StringComparer.Ordinal);

    public bool Has(string name) => _byName.ContainsKey(name);

    public IInternalHandler? Find(string name) => _byName.GetValueOrDefault(name);
}

/// <summary>Built-in <c>echo</c>: completes every intent with its payload as the result (smoke tests, examples, wiring checks).</summary>
public sealed class EchoHandler : IInternalHandler
{
    public string Name => "echo";

    public Task<InternalOutcome> HandleAsync(IntentRecord intent, CancellationToken cancellationToken) =>
        Task.FromResult(InternalOutcome.Completed(Common.JsonText.Object(("echo", Common.JsonText.Raw(intent.PayloadJson)), ("intent_type", intent.IntentType))));
}
