using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>
/// One event of an intent's history (PROTOCOL §5.1.5): the items of GET …/events, the data of the SSE stream's
/// messages, the <c>event</c> of a resolve. Seqs are 1, 2, 3, … per intent.
/// </summary>
public sealed record IntentEvent
{
    /// <summary>The intent's id.</summary>
    public required string IntentId { get; init; }
    /// <summary>The event's position in the intent's history (≥ 1).</summary>
    public required int Seq { get; init; }
    /// <summary>intent.created, intent.delivered, intent.completed, … (PROTOCOL §5.1.4).</summary>
    public required string EventType { get; init; }
    /// <summary>The intent's status after the event.</summary>
    public required string Status { get; init; }
    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }
    /// <summary>Why the intent waits, for a WAITING status.</summary>
    public string? WaitingReason { get; init; }
    /// <summary>Who holds the intent after the event.</summary>
    public PendingWith? PendingWith { get; init; }
    /// <summary>The handler at the time.</summary>
    public string? Handler { get; init; }
    /// <summary>Who caused it (an agent address, or <c>system</c>).</summary>
    public string? Actor { get; init; }
    /// <summary>Event details (progress, result, error, task_result, escalated_to, …); the node always writes an object.</summary>
    public JsonObject Details { get; init; } = [];
    /// <summary>The human task, on intent.human_task_assigned (PROTOCOL §7.2).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? HumanTask { get; init; }
    /// <summary>An extension: who issued the actor token that spoke for <see cref="Actor"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ActorTokenIssuer { get; init; }
    /// <summary>True when a stream left out bulky members to keep the line short (GET the intent for them).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Truncated { get; init; }

    /// <summary>Members this version of the contract does not name (a newer node's), kept so a client loses nothing it was sent.</summary>
    [JsonExtensionData]
    public JsonObject? Extensions { get; set; }

    /// <summary>True for an event that leaves the intent terminal.</summary>
    [JsonIgnore]
    public bool IsTerminal => IntentStatus.IsTerminal(Status);
}
