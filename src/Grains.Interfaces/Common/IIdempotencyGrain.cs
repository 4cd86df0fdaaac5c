namespace Axme.Grains.Interfaces.Common;

/// <summary>The answer stored for an Idempotency-Key: HTTP status and exact body text.</summary>
[GenerateSerializer, Immutable, Alias("axme.stored-response")]
public sealed record StoredResponse([property: Id(0)] int Status, [property: Id(1)] string Body);

/// <summary>What to do with a request carrying an Idempotency-Key.</summary>
public enum IdempotencyDecision
{
    /// <summary>First time: execute, then complete or abandon.</summary>
    Proceed,
    /// <summary>Seen with the same body: answer the stored response.</summary>
    Replay,
    /// <summary>Seen with another body: 409.</summary>
    Conflict,
    /// <summary>The first request is still executing.</summary>
    InProgress,
}

[GenerateSerializer, Immutable, Alias("axme.idempotency-check")]
public sealed record IdempotencyCheck([property: Id(0)] IdempotencyDecision Decision, [property: Id(1)] StoredResponse? Response);

/// <summary>
/// One Idempotency-Key of a write endpoint that is not an intent write (service accounts, keys, bulk
/// cancel); intent writes keep their keys inside the intent grain, atomically with the change.
/// Keyed by a hash of (caller, method and path, key).
/// </summary>
[Alias("axme.IIdempotencyGrain")]
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>Claims the key for this request hash, or tells how to answer.</summary>
    [Alias("Begin")]
    Task<IdempotencyCheck> BeginAsync(string requestHash);

    /// <summary>Stores the response of the request that claimed the key.</summary>
    [Alias("Complete")]
    Task CompleteAsync(string requestHash, StoredResponse response);

    /// <summary>Releases the claim after a failure, so a retry executes again.</summary>
    [Alias("Abandon")]
    Task AbandonAsync(string requestHash);
}
