using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>POST /v1/approvals/{approval_id}/decision (PROTOCOL §7.5); the approval id is the task's intent id.</summary>
public sealed record ApprovalDecisionRequest
{
    /// <summary>approve or reject (the node also reads approved and rejected).</summary>
    public required string Decision { get; init; }
    /// <summary>A comment, up to 1,000 characters.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Comment { get; init; }
}

/// <summary>The answer to an approval decision.</summary>
public sealed record ApprovalDecisionResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The decision taken.</summary>
    public required ApprovalDecision Approval { get; init; }
}

/// <summary>A decided approval.</summary>
public sealed record ApprovalDecision
{
    /// <summary>The approval (the task's intent id).</summary>
    public required string ApprovalId { get; init; }
    /// <summary>approve or reject.</summary>
    public required string Decision { get; init; }
    /// <summary>The comment given.</summary>
    public string? Comment { get; init; }
    /// <summary>When it was decided.</summary>
    public required DateTimeOffset DecidedAt { get; init; }
    /// <summary>An extension: the task's intent.</summary>
    public string? IntentId { get; init; }
    /// <summary>An extension: the intent's status after the decision.</summary>
    public string? Status { get; init; }
}
