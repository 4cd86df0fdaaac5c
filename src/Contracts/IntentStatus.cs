namespace Axme.Contracts;

/// <summary>Lifecycle statuses exactly as spelled on the wire (PROTOCOL §5.1.1).</summary>
public static class IntentStatus
{
    /// <summary>CREATED: accepted and validated.</summary>
    public const string Created = "CREATED";
    /// <summary>SUBMITTED: durably persisted.</summary>
    public const string Submitted = "SUBMITTED";
    /// <summary>DELIVERED: made available to the handler.</summary>
    public const string Delivered = "DELIVERED";
    /// <summary>ACKNOWLEDGED: the handler confirmed receipt.</summary>
    public const string Acknowledged = "ACKNOWLEDGED";
    /// <summary>IN_PROGRESS: the handler is working.</summary>
    public const string InProgress = "IN_PROGRESS";
    /// <summary>WAITING, with a <see cref="WaitingReason"/>.</summary>
    public const string Waiting = "WAITING";
    /// <summary>COMPLETED (terminal), with a result.</summary>
    public const string Completed = "COMPLETED";
    /// <summary>FAILED (terminal), with an error.</summary>
    public const string Failed = "FAILED";
    /// <summary>CANCELED (terminal, one L), with a reason.</summary>
    public const string Canceled = "CANCELED";
    /// <summary>TIMED_OUT (terminal): a deadline passed.</summary>
    public const string TimedOut = "TIMED_OUT";

    /// <summary>Every status, in lifecycle order.</summary>
    public static readonly IReadOnlyList<string> All =
        [Created, Submitted, Delivered, Acknowledged, InProgress, Waiting, Completed, Failed, Canceled, TimedOut];

    /// <summary>Every status an intent can still leave.</summary>
    public static readonly IReadOnlyList<string> NonTerminal = [Created, Submitted, Delivered, Acknowledged, InProgress, Waiting];

    /// <summary>The four terminal statuses; a terminal intent never changes again.</summary>
    public static bool IsTerminal(string? status) =>
        status is Completed or Failed or Canceled or TimedOut;

    /// <summary>True for a status of the protocol.</summary>
    public static bool IsKnown(string status) => All.Contains(status);
}

/// <summary>Why a WAITING intent waits (PROTOCOL §5.1.2).</summary>
public static class WaitingReason
{
    /// <summary>A person answers a human task.</summary>
    public const string Human = "WAITING_FOR_HUMAN";
    /// <summary>A tool is running.</summary>
    public const string Tool = "WAITING_FOR_TOOL";
    /// <summary>An agent works on a step.</summary>
    public const string Agent = "WAITING_FOR_AGENT";
    /// <summary>A timer runs.</summary>
    public const string Time = "WAITING_FOR_TIME";

    /// <summary>Every waiting reason.</summary>
    public static readonly IReadOnlyList<string> All = [Human, Tool, Agent, Time];
}

/// <summary>Event types the runtime emits (PROTOCOL §5.1.4). Never emits the legacy intent.timeout.</summary>
public static class IntentEventType
{
    /// <summary>intent.created.</summary>
    public const string Created = "intent.created";
    /// <summary>intent.submitted.</summary>
    public const string Submitted = "intent.submitted";
    /// <summary>intent.delivered.</summary>
    public const string Delivered = "intent.delivered";
    /// <summary>intent.acknowledged.</summary>
    public const string Acknowledged = "intent.acknowledged";
    /// <summary>intent.in_progress.</summary>
    public const string InProgress = "intent.in_progress";
    /// <summary>intent.waiting.</summary>
    public const string Waiting = "intent.waiting";
    /// <summary>intent.completed.</summary>
    public const string Completed = "intent.completed";
    /// <summary>intent.failed.</summary>
    public const string Failed = "intent.failed";
    /// <summary>intent.canceled.</summary>
    public const string Canceled = "intent.canceled";
    /// <summary>intent.transfer.</summary>
    public const string Transfer = "intent.transfer";
    /// <summary>intent.timed_out.</summary>
    public const string TimedOut = "intent.timed_out";
    /// <summary>intent.reminder.</summary>
    public const string Reminder = "intent.reminder";
    /// <summary>intent.escalated.</summary>
    public const string Escalated = "intent.escalated";
    /// <summary>intent.delivery_failed.</summary>
    public const string DeliveryFailed = "intent.delivery_failed";
    /// <summary>intent.human_task_assigned.</summary>
    public const string HumanTaskAssigned = "intent.human_task_assigned";

    /// <summary>The event type that announces entering a status.</summary>
    public static string ForStatus(string status) => status switch
    {
        IntentStatus.Created => Created,
        IntentStatus.Submitted => Submitted,
        IntentStatus.Delivered => Delivered,
        IntentStatus.Acknowledged => Acknowledged,
        IntentStatus.InProgress => InProgress,
        IntentStatus.Waiting => Waiting,
        IntentStatus.Completed => Completed,
        IntentStatus.Failed => Failed,
        IntentStatus.Canceled => Canceled,
        IntentStatus.TimedOut => TimedOut,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown status"),
    };
}
