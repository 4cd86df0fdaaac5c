namespace Axme.Grains.Interfaces.Inbox;

/// <summary>Thread statuses (PROTOCOL §7.6).</summary>
public static class InboxThreadStatus
{
    /// <summary>Opened, nobody has acted on it yet.</summary>
    public const string Pending = "pending";
    /// <summary>The owner has read, replied or delegated.</summary>
    public const string Active = "active";
    /// <summary>Approved or rejected; no further actions.</summary>
    public const string Done = "done";

    public static readonly IReadOnlyList<string> All = [Pending, Active, Done];
}

/// <summary>Timeline event types the runtime writes besides the intent's own (intent_received, intent.completed, …).</summary>
public static class InboxEventType
{
    public const string IntentReceived = "intent_received";
    public const string MessageSent = "message.sent";
    public const string MessagesDeleted = "messages.deleted";
    public const string Delegated = "thread.delegated";
    public const string Approved = "thread.approved";
    public const string Rejected = "thread.rejected";
}

/// <summary>
/// One inbox thread (PROTOCOL §7.6) as the grain holds it. The stored JSON (snake_case) is read by the
/// axme_inbox_threads view trigger and the API's list queries: a storage contract.
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.inbox-thread")]
public sealed record InboxThread
{
    [Id(0)] public required Guid ThreadId { get; init; }
    [Id(1)] public required Guid IntentId { get; init; }
    /// <summary>pending, active or done.</summary>
    [Id(2)] public required string Status { get; init; }
    /// <summary>Canonical address of the agent whose inbox holds the thread.</summary>
    [Id(3)] public required string OwnerAgent { get; init; }
    [Id(4)] public required string FromAgent { get; init; }
    [Id(5)] public required string ToAgent { get; init; }
    /// <summary>Workspace of the owner (of its service account, else of the intent): who may see the thread.</summary>
    [Id(6)] public required string OrgId { get; init; }
    [Id(7)] public required string WorkspaceId { get; init; }
    [Id(8)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(9)] public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>At least one item, in order.</summary>
    [Id(10)] public required IReadOnlyList<InboxTimelineItem> Timeline { get; init; }
    [Id(11)] public DateTimeOffset? ReadAt { get; init; }
    [Id(12)] public string? IntentType { get; init; }
    /// <summary>
    /// The thread delivers a live intent to its handler (opened with intent_received): approve and reject
    /// finish that intent.
    /// </summary>
    [Id(13)] public bool HandlesIntent { get; init; }
}

/// <summary>One timeline item. A message (message.sent) is named by its event_id, exposed as message_id.</summary>
[GenerateSerializer, Immutable, Alias("axme.inbox-timeline-item")]
public sealed record InboxTimelineItem
{
    [Id(0)] public required Guid EventId { get; init; }
    [Id(1)] public required string EventType { get; init; }
    [Id(2)] public required string Actor { get; init; }
    [Id(3)] public required DateTimeOffset At { get; init; }
    /// <summary>JSON object text.</summary>
    [Id(4)] public required string DetailsJson { get; init; }
    /// <summary>A deleted message keeps its place in the timeline but not its text.</summary>
    [Id(5)] public bool Deleted { get; init; }
}

/// <summary>
/// On whose behalf an inbox request acts: the authenticated caller and the owner agent it named
/// (owner_agent or x-owner-agent, canonical), or null for "every owner the caller may see".
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.inbox-scope")]
public sealed record InboxScope(
    [property: Id(0)] Common.Caller Caller,
    [property: Id(1)] string? OwnerAgent);

/// <summary>POST /v1/inbox/{id}/messages/delete: self = the owner's own messages, both = anyone's.</summary>
[GenerateSerializer, Immutable, Alias("axme.inbox-delete-messages")]
public sealed record DeleteMessagesCommand
{
    [Id(0)] public required string Mode { get; init; }
    /// <summary>Messages to delete; null = the newest ones, up to Limit.</summary>
    [Id(1)] public IReadOnlyList<Guid>? MessageIds { get; init; }
    [Id(2)] public required int Limit { get; init; }
}

/// <summary>The thread after a messages/delete and the messages it deleted.</summary>
[GenerateSerializer, Immutable, Alias("axme.inbox-delete-result")]
public sealed record DeleteMessagesResult(
    [property: Id(0)] InboxThread Thread,
    [property: Id(1)] IReadOnlyList<Guid> DeletedIds);
