namespace Axme.Grains.Interfaces.Intents;

/// <summary>The current holder of an intent: {type: agent|human|internal, ref, name}.</summary>
[GenerateSerializer, Immutable, Alias("axme.pending-with")]
public sealed record PendingWith(
    [property: Id(0)] string Type,
    [property: Id(1)] string Ref,
    [property: Id(2)] string Name);
