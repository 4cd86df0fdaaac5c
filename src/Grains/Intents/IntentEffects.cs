using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Intents;

/// <summary>
/// What one commit causes besides its write, decided from the record it replaces and the transition alone (pure; ADR 016
/// §9). IntentGrain.CommitAsync runs them in the order of the members: the timer before the write (a timer without its
/// state finds nothing to do, a state without its timer would never time out), the rest after it.
/// </summary>
public sealed record IntentEffects
{
    /// <summary>When the intent's one timer is due after this commit (stored as due_at); null when nothing is.</summary>
    public DateTimeOffset? TimerDue { get; init; }

    /// <summary>Before the write: register or move the timer to fire this long from now; null leaves it as it is.</summary>
    public TimeSpan? SetTimer { get; init; }

    /// <summary>The intent became terminal: count it, and let its activation go (IntentGrain.CommitAsync says when).</summary>
    public bool Finished { get; init; }

    /// <summary>The events to publish (listeners, lifecycle webhook subscribers, people's notifications), in order.</summary>
    public IReadOnlyList<IntentEvent> Events { get; init; } = [];

    /// <summary>After the write: remove the timer, nothing is due any more.</summary>
    public bool DropTimer { get; init; }

    /// <summary>A workflow waits for a step intent not known to be started: create it (a replay if it exists).</summary>
    public bool StartStep { get; init; }

    /// <summary>The step intent's id was made up by this very write, so nothing is stored under it yet.</summary>
    public bool StepIsNew { get; init; }

    /// <summary>The intent just ended and someone waits for its end: its reply_to inbox and/or its workflow parent.</summary>
    public bool DeliverCompletion { get; init; }

    /// <summary>
    /// The commit causes nothing but its events: no timer to set or drop, nothing ends, starts or is handed over. Such
    /// a commit may ride on the intent's next write (a stream delivery's DELIVERED: docs/adr/031).
    /// </summary>
    public bool OnlyEvents => SetTimer is null && !DropTimer && !Finished && !StartStep && !DeliverCompletion;

    /// <param name="before">The record the commit replaces (null for a create).</param>
    /// <param name="timerDue">When the timer registered so far is due (null: none).</param>
    /// <param name="transition">The transition about to be written.</param>
    /// <param name="now">The time of the commit.</param>
    /// <param name="completionRetry">How soon a reply_to completion is retried should its hand-off after the write be lost.</param>
    public static IntentEffects Of(IntentRecord? before, DateTimeOffset? timerDue, Transition transition, DateTimeOffset now, TimeSpan completionRetry)
    {
        var after = transition.Intent;
        var wasTerminal = before?.IsTerminal ?? false;
        var completes = Completes(before, after);
        var due = NextTimer(after);
        // A completion for a reply_to inbox is handed over right after the write; the timer retries it should this node
        // die in between. (A workflow parent's hand-off needs no timer: the hand-off sweep finds a lost one.)
        var retriesCompletion = completes && after.ReplyTo is not null;
        return new IntentEffects
        {
            TimerDue = due,
            SetTimer = retriesCompletion ? completionRetry
                : due is { } at && due != timerDue ? (at > now ? at - now : TimeSpan.Zero) : null,
            Finished = !wasTerminal && after.IsTerminal,
            Events = transition.Events,
            DropTimer = !retriesCompletion && due is null && timerDue is not null,
            StartStep = after is { IsTerminal: false, Workflow: { ChildId: not null, CurrentStep: not null, ChildStarted: false } },
            StepIsNew = after.Workflow?.ChildId is { } child && child != before?.Workflow?.ChildId,
            DeliverCompletion = completes,
        };
    }

    /// <summary>The commit ends the intent and someone waits for its end (a reply_to inbox, a workflow parent).</summary>
    public static bool Completes(IntentRecord? before, IntentRecord after) =>
        !(before?.IsTerminal ?? false) && after.IsTerminal && (after.ReplyTo is not null || after.ParentIntentId is not null);

    /// <summary>The earliest thing due: the deadline in force, the next reminder/escalation of a waiting human, a wake-up, a workflow retry.</summary>
    public static DateTimeOffset? NextTimer(IntentRecord intent)
    {
        if (intent.IsTerminal) return null;
        DateTimeOffset? step = intent is { Status: IntentStatus.Waiting, WaitingReason: WaitingReason.Time } ? intent.WakeAt : null;
        return new[] { intent.EffectiveDeadline, Humans.HumanTimers.NextDue(intent), step, IntentTransitions.WorkflowDue(intent) }
            .Where(t => t is not null).Min();
    }
}

/// <summary>What a timer tick (or a sweep's check) does to an intent.</summary>
public enum TickKind
{
    /// <summary>Nothing is due.</summary>
    None,
    /// <summary>Remove the timer: nothing is (or will ever be) due.</summary>
    DropTimer,
    /// <summary>A finished intent hands its completion over again (reply_to inbox, workflow parent).</summary>
    RetryCompletion,
    /// <summary>Commit the transition: a deadline, a reminder or escalation, a workflow's timer.</summary>
    Commit,
    /// <summary>Create the workflow's step intent again (a replay if it exists) and take its end if the parent missed it.</summary>
    RecoverStep,
    /// <summary>A runtime step whose time came: send its notifications, then commit the transition.</summary>
    FireStep,
}

/// <summary>The decision of one tick: pure, from the record and the time (ADR 016 §9).</summary>
public sealed record IntentTick(TickKind Kind, Transition? Transition = null, bool TimedOut = false)
{
    /// <summary>
    /// A finished intent retries its completion's hand-off; a live one: the deadline first (it ends the wait), else a due
    /// reminder or escalation, a workflow's timers and its step intent, a step's time.
    /// </summary>
    public static IntentTick Decide(IntentRecord? intent, DateTimeOffset now)
    {
        if (intent is null) return new(TickKind.DropTimer); // registered before a create that failed: nothing to do, ever
        if (intent.IsTerminal)
            return new(intent.ReplyTo is not null || intent.ParentIntentId is not null ? TickKind.RetryCompletion : TickKind.DropTimer);
        if (IntentTransitions.TimeOut(intent, now) is { Applied: true } timeOut) return new(TickKind.Commit, timeOut, TimedOut: true);
        if (IntentTransitions.Remind(intent, now) is { Applied: true } remind) return new(TickKind.Commit, remind);
        if (IntentTransitions.WorkflowTick(intent, now) is { Applied: true } workflow) return new(TickKind.Commit, workflow);
        if (intent.Workflow is { ChildId: not null }) return new(TickKind.RecoverStep);
        if (IntentTransitions.FireStep(intent, now) is { Applied: true } fire) return new(TickKind.FireStep, fire);
        return new(IntentEffects.NextTimer(intent) is null ? TickKind.DropTimer : TickKind.None); // a leftover tick
    }
}
