using System.Text.Json.Nodes;

namespace Axme.Contracts;

/// <summary>An intent event as a webhook subscriber receives it (PROTOCOL §9.1): what happened, to which intent, with its details.</summary>
public sealed record LifecycleEvent
{
    /// <summary>The intent's id.</summary>
    public required string IntentId { get; init; }
    /// <summary>The event's seq in the intent's history.</summary>
    public required int Seq { get; init; }
    /// <summary>intent.created, intent.completed, … (the subscription's event_types filter on it).</summary>
    public required string EventType { get; init; }
    /// <summary>The intent's status after the event.</summary>
    public required string Status { get; init; }
    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }
    /// <summary>The intent type.</summary>
    public string? IntentType { get; init; }
    /// <summary>The correlation id.</summary>
    public string? CorrelationId { get; init; }
    /// <summary>The sender.</summary>
    public string? FromAgent { get; init; }
    /// <summary>The handler.</summary>
    public string? ToAgent { get; init; }
    /// <summary>Who caused it.</summary>
    public string? Actor { get; init; }
    /// <summary>The event's details.</summary>
    public JsonObject Details { get; init; } = [];
}
