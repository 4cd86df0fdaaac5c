using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Intents;

/// <summary>A validated POST /v1/intents request (PROTOCOL §5.2).</summary>
[GenerateSerializer, Immutable, Alias("axme.create-intent")]
public sealed record CreateIntentCommand
{
    [Id(0)] public required Caller Caller { get; init; }
    [Id(1)] public required string IntentType { get; init; }
    [Id(2)] public required string CorrelationId { get; init; }
    [Id(3)] public required string FromAgent { get; init; }
    [Id(4)] public required string ToAgent { get; init; }
    [Id(5)] public string? ReplyTo { get; init; }
    [Id(6)] public required string PayloadJson { get; init; }
    [Id(7)] public DateTimeOffset? DeadlineAt { get; init; }
    [Id(8)] public int? RemindAfterSeconds { get; init; }
    [Id(9)] public int? RemindIntervalSeconds { get; init; }
    [Id(10)] public int? MaxReminders { get; init; }
    [Id(11)] public string? EscalateTo { get; init; }
    [Id(12)] public int? MaxDeliveryAttempts { get; init; }
    [Id(13)] public string? HumanTaskJson { get; init; }
    /// <summary>Hash of the canonical request body; a second create on the same grain must match it.</summary>
    [Id(14)] public required string RequestHash { get; init; }
    /// <summary>A built-in step run by the runtime itself (human_approval, timeout, delay, reminder, escalation, notification).</summary>
    [Id(15)] public string? RuntimeType { get; init; }
    [Id(16)] public string? RuntimeConfigJson { get; init; }
    /// <summary>A scenario's compiled workflow (the parent intent runs it).</summary>
    [Id(17)] public Workflows.WorkflowRun? Workflow { get; init; }
    /// <summary>A workflow step intent's parent and step.</summary>
    [Id(18)] public Guid? ParentIntentId { get; init; }
    [Id(19)] public string? ParentStepId { get; init; }
    /// <summary>Set by the create itself when to_agent was an alias: the alias (docs/adr/024).</summary>
    [Id(20)] public string? ViaAlias { get; init; }
    /// <summary>The delivery this intent replays (docs/adr/025).</summary>
    [Id(21)] public string? ReplayOfDeliveryId { get; init; }
}

/// <summary>POST /v1/intents/{id}/resolve (PROTOCOL §5.7).</summary>
[GenerateSerializer, Immutable, Alias("axme.resolve-intent")]
public sealed record ResolveCommand
{
    /// <summary>COMPLETED, FAILED or CANCELED.</summary>
    [Id(0)] public required string Status { get; init; }
    [Id(1)] public string? ResultJson { get; init; }
    [Id(2)] public string? ErrorJson { get; init; }
    [Id(3)] public string? Reason { get; init; }
    [Id(4)] public string? Actor { get; init; }
    [Id(5)] public int? ExpectedPolicyGeneration { get; init; }
}

/// <summary>What a resume body means (PROTOCOL §5.8).</summary>
public enum ResumeKind
{
    /// <summary>Workflow control: continue a waiting intent.</summary>
    Control,
    /// <summary>A human answer carried in task_result.</summary>
    TaskResult,
    /// <summary>A handler's free-form result.</summary>
    HandlerResult,
}

/// <summary>POST /v1/intents/{id}/resume, already classified by the API.</summary>
[GenerateSerializer, Immutable, Alias("axme.resume-intent")]
public sealed record ResumeCommand
{
    [Id(0)] public required ResumeKind Kind { get; init; }
    /// <summary>task_result (TaskResult) or the whole body (HandlerResult), as JSON object text.</summary>
    [Id(1)] public string? BodyJson { get; init; }
    [Id(2)] public string? Reason { get; init; }
    [Id(3)] public string? Actor { get; init; }
    [Id(4)] public int? ExpectedPolicyGeneration { get; init; }
}

/// <summary>POST …/controls or …/policy: shallow JSON patches with optional compare-and-set.</summary>
[GenerateSerializer, Immutable, Alias("axme.patch-intent")]
public sealed record PatchCommand
{
    [Id(0)] public string? ControlsPatchJson { get; init; }
    [Id(1)] public string? EnvelopePatchJson { get; init; }
    [Id(2)] public string? GrantsPatchJson { get; init; }
    [Id(3)] public string? Actor { get; init; }
    [Id(4)] public string? Reason { get; init; }
    [Id(5)] public int? ExpectedPolicyGeneration { get; init; }
}

/// <summary>Result of a write on an existing intent (resolve, resume, controls, policy).</summary>
[GenerateSerializer, Immutable, Alias("axme.intent-write-result")]
public sealed record IntentWriteResult
{
    [Id(0)] public required bool Applied { get; init; }
    /// <summary>Why nothing was applied (stale_policy_generation, intent_not_waiting).</summary>
    [Id(1)] public string? Reason { get; init; }
    [Id(2)] public required IntentRecord Intent { get; init; }
    /// <summary>The last event this write appended (the terminal one for resolve), if any.</summary>
    [Id(3)] public IntentEvent? Event { get; init; }
    [Id(4)] public required int PolicyGeneration { get; init; }
    /// <summary>This write finished an intent with reply_to and the completion is in the reply_to inbox thread (id = intent id).</summary>
    [Id(5)] public bool CompletionDelivered { get; init; }
}

/// <summary>
/// Result of a create: the intent, whether this was an idempotent replay, and the status the create
/// itself produced (a replay answers with it, so its body equals the original response).
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.create-intent-result")]
public sealed record CreateIntentResult(
    [property: Id(0)] IntentRecord Intent,
    [property: Id(1)] bool Replayed,
    [property: Id(2)] string CreatedStatus);
