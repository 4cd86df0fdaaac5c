namespace Axme.Grains.Interfaces.Common;

/// <summary>
/// An Idempotency-Key as seen by a grain: the key, the scope it is unique in (caller and endpoint)
/// and the hash of the canonical request body, so a replay can be told from a conflicting reuse.
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.idempotency-token")]
public sealed record IdempotencyToken(
    [property: Id(0)] string Scope,
    [property: Id(1)] string Key,
    [property: Id(2)] string RequestHash);
