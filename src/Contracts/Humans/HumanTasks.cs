using System.Text.Json.Nodes;

namespace Axme.Contracts;

/// <summary>A pending human task (PROTOCOL §7.3), with its approval id and who it waits for.</summary>
public sealed record HumanTaskItem
{
    /// <summary>The task's intent.</summary>
    public required string IntentId { get; init; }
    /// <summary>The approval id for POST /v1/approvals/{id}/decision (the intent id).</summary>
    public string? ApprovalId { get; init; }
    /// <summary>The intent type.</summary>
    public string? IntentType { get; init; }
    /// <summary>WAITING.</summary>
    public string? Status { get; init; }
    /// <summary>Who asked.</summary>
    public string? FromAgent { get; init; }
    /// <summary>The task's intent's address.</summary>
    public string? ToAgent { get; init; }
    /// <summary>When it started waiting.</summary>
    public DateTimeOffset? AssignedAt { get; init; }
    /// <summary>Its deadline.</summary>
    public DateTimeOffset? DueAt { get; init; }
    /// <summary>Who it waits for.</summary>
    public PendingWith? PendingWith { get; init; }
    /// <summary>The task (title, task_type, allowed_outcomes, …).</summary>
    public JsonObject? HumanTask { get; init; }
    /// <summary>The intent's payload.</summary>
    public JsonObject? Payload { get; init; }
}

/// <summary>GET /v1/me/tasks.</summary>
public sealed record HumanTaskList
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The pending tasks.</summary>
    public IReadOnlyList<HumanTaskItem> Tasks { get; init; } = [];
}
