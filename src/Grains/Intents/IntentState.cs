using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Intents;

/// <summary>
/// Durable state of one intent. The record and its whole event log are one storage row, so a
/// transition and its events are written atomically. Stored as JSON (snake_case): the names are a
/// storage contract read by the axme_intents view trigger (Schema/002_axme.sql).
/// </summary>
[GenerateSerializer, Alias("axme.intent-state")]
public sealed class IntentState
{
    public const int CurrentSchemaVersion = 1;

    [Id(0)] public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    [Id(1)] public IntentRecord? Intent { get; set; }
    [Id(2)] public List<IntentEvent> Events { get; set; } = [];
    /// <summary>Hash of the create request, so a retried create can be told from a conflicting one.</summary>
    [Id(3)] public string? CreateRequestHash { get; set; }
    /// <summary>Processed Idempotency-Keys of the intent's write endpoints, with their original results.</summary>
    [Id(4)] public List<IdempotencyEntry> Idempotency { get; set; } = [];
    /// <summary>Status right after the create (what a replayed create answers).</summary>
    [Id(6)] public string? CreatedStatus { get; set; }
    /// <summary>Due time of the registered deadline reminder, if any.</summary>
    [Id(5)] public DateTimeOffset? ReminderDueAt { get; set; }
}

/// <summary>One processed Idempotency-Key and the result it produced.</summary>
[GenerateSerializer, Alias("axme.idempotency-entry")]
public sealed class IdempotencyEntry
{
    [Id(0)] public required string Scope { get; set; }
    [Id(1)] public required string Key { get; set; }
    [Id(2)] public required string RequestHash { get; set; }
    [Id(3)] public required DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public required IntentWriteResult Result { get; set; }
}
