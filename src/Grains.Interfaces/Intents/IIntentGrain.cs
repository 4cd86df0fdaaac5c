using Orleans.Concurrency;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Intents;

/// <summary>
/// One intent: its record, ordered event log, policy and deadlines. Every method that changes the
/// intent persists the new state and its events in one write before it returns.
/// </summary>
[Alias("axme.IIntentGrain")]
public interface IIntentGrain : IGrainWithGuidKey
{
    /// <summary>Creates the intent; a replay with the same request hash returns the original.</summary>
    [Alias("Create")]
    Task<CreateIntentResult> CreateAsync(CreateIntentCommand command);

    /// <summary>
    /// The same, for a workflow step intent whose parent's write that entered the step is held in the joint
    /// <paramref name="joint"/> of this silo: this create's write joins it and both commit in one transaction
    /// (docs/adr/039). Null, with nothing done, when no such joint is open here (the parent is on another silo): the
    /// parent starts the step once its own write is durable, as it does without a joint.
    /// </summary>
    [Alias("CreateJointly")]
    Task<CreateIntentResult?> CreateJointlyAsync(CreateIntentCommand command, Guid joint);

    /// <summary>Returns the intent object, or throws 404/403.</summary>
    [Alias("Get")]
    Task<IntentRecord> GetAsync(Caller caller);

    /// <summary>Events with seq &gt; since, in order.</summary>
    [Alias("GetEvents")]
    Task<IReadOnlyList<IntentEvent>> GetEventsAsync(Caller caller, int since);

    /// <summary>Terminal transition through resolve (COMPLETED, FAILED, CANCELED).</summary>
    [Alias("Resolve")]
    Task<IntentWriteResult> ResolveAsync(Caller caller, ResolveCommand command, IdempotencyToken? idempotency);

    /// <summary>Resume: control, human answer or handler result.</summary>
    [Alias("Resume")]
    Task<IntentWriteResult> ResumeAsync(Caller caller, ResumeCommand command, IdempotencyToken? idempotency);

    /// <summary>Controls or policy patch with policy_generation compare-and-set.</summary>
    [Alias("Patch")]
    Task<IntentWriteResult> PatchAsync(Caller caller, PatchCommand command, IdempotencyToken? idempotency);

    /// <summary>Registers an observer and returns the events after since, atomically, so nothing falls in between.</summary>
    [Alias("Subscribe")]
    Task<IReadOnlyList<IntentEvent>> SubscribeAsync(Caller caller, IIntentObserver observer, int since);

    /// <summary>Removes an observer.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IIntentObserver observer);

    /// <summary>
    /// Marks the intent DELIVERED when it is handed to its agent's channel (idempotent); returns it. With
    /// <paramref name="deferWrite"/> the mark may ride on the intent's next write (docs/adr/031), else it is written now.
    /// </summary>
    [Alias("MarkDelivered")]
    Task<IntentRecord> MarkDeliveredAsync(Caller caller, bool deferWrite);

    /// <summary>Leases the delivery to a poller; null when it is not deliverable or leased by someone else.</summary>
    [Alias("Lease")]
    Task<IntentRecord?> LeaseAsync(Caller caller, TimeSpan lease, int maxAttempts);

    /// <summary>The handler acknowledges receipt (DELIVERED → ACKNOWLEDGED).</summary>
    [Alias("Acknowledge")]
    Task<IntentWriteResult> AcknowledgeAsync(Caller caller, IdempotencyToken? idempotency);

    /// <summary>
    /// POST /v1/approvals/{id}/decision: answers the intent's human task with its type's accept outcome
    /// (approve) or decline outcome (reject), as the CLI's tasks approve/reject would.
    /// </summary>
    [Alias("DecideApproval")]
    Task<IntentWriteResult> DecideApprovalAsync(Caller caller, bool approve, string? comment, IdempotencyToken? idempotency);

    /// <summary>The handler reports progress (an intent.in_progress event carrying it); the intent becomes IN_PROGRESS.</summary>
    [Alias("Progress")]
    Task<IntentWriteResult> ProgressAsync(Caller caller, string progressJson, IdempotencyToken? idempotency);

    /// <summary>A pushed delivery (http 2xx, inbox thread opened) succeeded after the given attempts: SUBMITTED → DELIVERED; any other status is left alone.</summary>
    [Alias("DeliverySucceeded")]
    Task<IntentRecord> DeliverySucceededAsync(int attempts);

    /// <summary>
    /// A pushed delivery was dead-lettered: the intent FAILS with delivery_failed, unless its handler has
    /// already taken it up (then the handler evidently got it and the intent is left alone).
    /// </summary>
    [Alias("DeliveryDeadLettered")]
    Task<IntentRecord> DeliveryDeadLetteredAsync(int attempts, string lastError);

    /// <summary>A workflow step intent of this (parent) intent ended; the workflow moves on (idempotent per step intent).</summary>
    [Alias("StepFinished")]
    Task StepFinishedAsync(string stepId, Guid stepIntentId, string status, string? resultJson, string? errorJson);

    /// <summary>
    /// The same, with the step intent's end not yet written: held in the joint <paramref name="joint"/> of this silo,
    /// which this intent's write joins, so both commit in one transaction (docs/adr/038). False, with nothing done, when
    /// no such joint is open here (the step intent is on another silo): it tells again once its end is durable.
    /// </summary>
    [Alias("StepFinishedJointly")]
    Task<bool> StepFinishedJointlyAsync(string stepId, Guid stepIntentId, string status, string? resultJson, string? errorJson, Guid joint);

    /// <summary>Times the intent out if its deadline has passed (used by the start-up sweep).</summary>
    [Alias("CheckDeadline")]
    Task CheckDeadlineAsync();
}
