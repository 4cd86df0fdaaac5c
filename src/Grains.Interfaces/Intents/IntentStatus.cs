namespace Axme.Grains.Interfaces.Intents;

/// <summary>Lifecycle statuses exactly as spelled on the wire (PROTOCOL §5.1.1).</summary>
public static class IntentStatus
{
    public const string Created = "CREATED";
    public const string Submitted = "SUBMITTED";
    public const string Delivered = "DELIVERED";
    public const string Acknowledged = "ACKNOWLEDGED";
    public const string InProgress = "IN_PROGRESS";
    public const string Waiting = "WAITING";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
    public const string Canceled = "CANCELED";
    public const string TimedOut = "TIMED_OUT";

    /// <summary>Every status, in lifecycle order.</summary>
    public static readonly IReadOnlyList<string> All =
        [Created, Submitted, Delivered, Acknowledged, InProgress, Waiting, Completed, Failed, Canceled, TimedOut];

    /// <summary>Every status an intent can still leave.</summary>
    public static readonly IReadOnlyList<string> NonTerminal = [Created, Submitted, Delivered, Acknowledged, InProgress, Waiting];

    /// <summary>The four terminal statuses; a terminal intent never changes again.</summary>
    public static bool IsTerminal(string status) =>
        status is Completed or Failed or Canceled or TimedOut;

    public static bool IsKnown(string status) => All.Contains(status);
}

/// <summary>Why a WAITING intent waits (PROTOCOL §5.1.2).</summary>
public static class WaitingReason
{
    public const string Human = "WAITING_FOR_HUMAN";
    public const string Tool = "WAITING_FOR_TOOL";
    public const string Agent = "WAITING_FOR_AGENT";
    public const string Time = "WAITING_FOR_TIME";

    public static readonly IReadOnlyList<string> All = [Human, Tool, Agent, Time];
}

/// <summary>Event types the runtime emits (PROTOCOL §5.1.4). Never emits the legacy intent.timeout.</summary>
public static class IntentEventType
{
    public const string Created = "intent.created";
    public const string Submitted = "intent.submitted";
    public const string Delivered = "intent.delivered";
    public const string Acknowledged = "intent.acknowledged";
    public const string InProgress = "intent.in_progress";
    public const string Waiting = "intent.waiting";
    public const string Completed = "intent.completed";
    public const string Failed = "intent.failed";
    public const string Canceled = "intent.canceled";
    public const string Transfer = "intent.transfer";
    public const string TimedOut = "intent.timed_out";
    public const string Reminder = "intent.reminder";
    public const string Escalated = "intent.escalated";
    public const string DeliveryFailed = "intent.delivery_failed";
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
