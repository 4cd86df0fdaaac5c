using System.Text.Json;
using Axme.Grains.Common;
using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Silo.Storage;

/// <summary>What an intent's rows hold: the columns of one write, the grain-only extras, and the events' layout.</summary>
public sealed partial class IntentStore
{
    /// <summary>What is stored of one intent.</summary>
    public sealed record Stored(IntentRecord Intent, IntentExtras Extras, List<IntentEvent> Events, int Version);

    /// <summary>Grain-only parts of the state, stored as one JSON text beside the record.</summary>
    public sealed class IntentExtras
    {
        public int SchemaVersion { get; set; } = 2;
        public string? CreateRequestHash { get; set; }
        public string? CreatedStatus { get; set; }
        public DateTimeOffset? ReminderDueAt { get; set; }
        public List<IdempotencyEntry> Idempotency { get; set; } = [];
    }

    /// <summary>
    /// The columns of one write, serialised before it is queued (on the grain's thread, not the batch's). The write's new
    /// events go into one row (docs/adr/033): FirstSeq is the first one's seq, Events their JSON array; both null when
    /// the write has none.
    /// </summary>
    private sealed record Row(IntentRecord Intent, byte[] Doc, byte[] State, DateTimeOffset? DueAt, int? FirstSeq, byte[]? Events)
    {
        public static Row Of(IntentState s, int storedSeq)
        {
            var intent = s.Intent ?? throw new InvalidOperationException("an intent state without its record cannot be written");
            var extras = new IntentExtras
            {
                CreateRequestHash = s.CreateRequestHash, CreatedStatus = s.CreatedStatus, ReminderDueAt = s.ReminderDueAt, Idempotency = s.Idempotency,
            };
            var fresh = s.Events.Where(e => e.Seq > storedSeq).ToArray();
            return new Row(intent, IntentRowJson.Write(intent, IntentRowJson.Default.IntentRecord),
                IntentRowJson.Write(extras, IntentRowJson.Default.IntentExtras), s.ReminderDueAt, fresh.Length > 0 ? fresh[0].Seq : null,
                fresh.Length > 0 ? IntentRowJson.Write(fresh, IntentRowJson.Default.IntentEventArray) : null);
        }

        /// <summary>Handed to an agent's channel: a cursor is drawn the first time (PROTOCOL §6.4).</summary>
        public bool Deliverable => Intent.HumanTaskJson is null && Intent.Status is IntentStatus.Submitted or IntentStatus.Delivered;

        /// <summary>A workflow parent waiting for its step intent (the hand-off sweep's subject).</summary>
        public Guid? WaitingChild => Intent.IsTerminal ? null : Intent.Workflow?.ChildId;
    }

    /// <summary>The events of one row: a write's JSON array, or a single event as rows were written before ADR 033.</summary>
    private static IEnumerable<IntentEvent> EventsOf(string doc) =>
        doc.AsSpan().TrimStart().StartsWith("[")
            ? JsonSerializer.Deserialize<List<IntentEvent>>(doc, StorageJson.Options)!
            : [JsonSerializer.Deserialize<IntentEvent>(doc, StorageJson.Options)!];
}
