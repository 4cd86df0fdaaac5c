using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Client;

/// <summary>A pending human task (PROTOCOL §7.3).</summary>
public sealed class HumanTaskItem : AxmeModel
{
    /// <summary>The task's intent.</summary>
    public string IntentId { get; init; } = "";
    /// <summary>The approval id for <see cref="AxmeClient.DecideApprovalAsync"/> (the intent id).</summary>
    public string? ApprovalId { get; init; }
    /// <summary>The intent type.</summary>
    public string? IntentType { get; init; }
    /// <summary>WAITING.</summary>
    public string? Status { get; init; }
    /// <summary>Who asked.</summary>
    public string? FromAgent { get; init; }
    /// <summary>When it started waiting.</summary>
    public DateTimeOffset? AssignedAt { get; init; }
    /// <summary>Its deadline.</summary>
    public DateTimeOffset? DueAt { get; init; }
    /// <summary>Who it waits for.</summary>
    public JsonObject? PendingWith { get; init; }
    /// <summary>The task (title, task_type, allowed_outcomes, …).</summary>
    public JsonObject? HumanTask { get; init; }
    /// <summary>The intent's payload.</summary>
    public JsonNode? Payload { get; init; }
}
