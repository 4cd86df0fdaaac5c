using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Intents;

/// <summary>
/// Durable state of one intent: the record, its event log and grain-only extras. The intents' storage
/// (Axme.Silo.Storage.IntentStorage, docs/adr/016) writes a transition's record and its new events in one
/// transaction: the record as a row with typed columns, each event as a row. The JSON names (snake_case) are a
/// storage contract.
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

    /// <summary>
    /// Not stored, not copied: the activation skipped its storage read because its creator said the id is new
    /// (<see cref="Interfaces.Intents.NewIntents"/>), so this empty state was never read. Cleared by the first write;
    /// a read of a state marked so always goes to storage.
    /// </summary>
    public bool Unread { get => _unread; set => _unread = value; }

    [NonSerialized] private bool _unread;

    /// <summary>
    /// Not stored, not copied: the row's place in its agent's delivery order (delivery_seq) as the last write returned it;
    /// null when it has none or this activation has not written. The agent's wake-up carries it, so a delivery stream
    /// woken for this intent alone need not read the rows to send it (docs/adr/040).
    /// </summary>
    public long? DeliverySeq { get => _deliverySeq; set => _deliverySeq = value; }

    [NonSerialized] private long? _deliverySeq;
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
