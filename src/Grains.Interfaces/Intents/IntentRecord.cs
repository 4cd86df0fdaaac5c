namespace Axme.Grains.Interfaces.Intents;

/// <summary>
/// The intent object (PROTOCOL §5.1.6) as the grain holds it. Arbitrary JSON members (payload,
/// result, controls, …) travel as JSON object text so they survive grain calls and storage verbatim.
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.intent-record")]
public sealed record IntentRecord
{
    [Id(0)] public required Guid IntentId { get; init; }
    [Id(1)] public required string OrgId { get; init; }
    [Id(2)] public required string WorkspaceId { get; init; }
    [Id(3)] public required string IntentType { get; init; }
    [Id(4)] public required string CorrelationId { get; init; }
    [Id(5)] public required string FromAgent { get; init; }
    [Id(6)] public required string ToAgent { get; init; }
    [Id(7)] public string? ReplyTo { get; init; }
    [Id(8)] public required string PayloadJson { get; init; }
    [Id(9)] public required string Status { get; init; }
    [Id(10)] public string? WaitingReason { get; init; }
    [Id(11)] public PendingWith? PendingWith { get; init; }
    [Id(12)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(13)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(14)] public DateTimeOffset? DeadlineAt { get; init; }
    [Id(15)] public int? RemindAfterSeconds { get; init; }
    [Id(16)] public int? RemindIntervalSeconds { get; init; }
    [Id(17)] public int? MaxReminders { get; init; }
    [Id(18)] public int RemindCount { get; init; }
    [Id(19)] public string? EscalateTo { get; init; }
    [Id(20)] public int? MaxDeliveryAttempts { get; init; }
    [Id(21)] public int DeliveryAttempt { get; init; }
    [Id(22)] public string? HumanTaskJson { get; init; }
    [Id(23)] public string? ResultJson { get; init; }
    [Id(24)] public string? ErrorJson { get; init; }
    [Id(25)] public string? Reason { get; init; }
    [Id(26)] public int PolicyGeneration { get; init; }
    /// <summary>Shallow-merged controls (JSON object text), e.g. timeout_seconds.</summary>
    [Id(27)] public string ControlsJson { get; init; } = "{}";
    /// <summary>Policy envelope (JSON object text), e.g. ttl_seconds, expires_at.</summary>
    [Id(28)] public string EnvelopeJson { get; init; } = "{}";
    /// <summary>Policy grants (JSON object text).</summary>
    [Id(29)] public string GrantsJson { get; init; } = "{}";
    [Id(30)] public string? Handler { get; init; }
    /// <summary>seq of the last event.</summary>
    [Id(31)] public int LastSeq { get; init; }
    /// <summary>The deadline in force (min of deadline_at, timeout, ttl, expires_at); drives TIMED_OUT.</summary>
    [Id(32)] public DateTimeOffset? EffectiveDeadline { get; init; }
    /// <summary>Service account that created the intent.</summary>
    [Id(33)] public required string CreatedBy { get; init; }
    /// <summary>While a poller holds a lease on the delivery, other pollers do not get it.</summary>
    [Id(34)] public DateTimeOffset? LeaseUntil { get; init; }
    /// <summary>When the intent last started waiting (a human task's assigned_at).</summary>
    [Id(35)] public DateTimeOffset? WaitingSince { get; init; }
    /// <summary>When the waiting human task was escalated to escalate_to (once).</summary>
    [Id(36)] public DateTimeOffset? EscalatedAt { get; init; }
    /// <summary>A built-in step run by the runtime (no agent): its type and runtime_config (JSON object text).</summary>
    [Id(37)] public string? RuntimeType { get; init; }
    [Id(38)] public string? RuntimeConfigJson { get; init; }
    /// <summary>When a step waiting for time (WAITING_FOR_TIME) fires.</summary>
    [Id(39)] public DateTimeOffset? WakeAt { get; init; }
    /// <summary>Who answered the human task (the actor of the answer).</summary>
    [Id(40)] public string? AnsweredBy { get; init; }
    /// <summary>A scenario's parent intent: its workflow and progress (PROTOCOL §8.4).</summary>
    [Id(41)] public Workflows.WorkflowRun? Workflow { get; init; }
    /// <summary>A workflow step intent: its parent and step; the parent hears of its end.</summary>
    [Id(42)] public Guid? ParentIntentId { get; init; }
    [Id(43)] public string? ParentStepId { get; init; }
    /// <summary>The alias it was sent to, when to_agent named one (to_agent is then its principal: docs/adr/024).</summary>
    [Id(44)] public string? ViaAlias { get; init; }
    /// <summary>The delivery it replays (POST /v1/deliveries/{id}/replay: docs/adr/025).</summary>
    [Id(45)] public string? ReplayOfDeliveryId { get; init; }

    public bool IsTerminal => IntentStatus.IsTerminal(Status);
}
