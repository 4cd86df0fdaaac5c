using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>An inbox thread (PROTOCOL §7.6): a completion or a delivered intent in an owner's inbox, with its timeline.</summary>
public sealed record InboxThread
{
    /// <summary>The thread's id.</summary>
    public required string ThreadId { get; init; }
    /// <summary>The intent it is about.</summary>
    public required string IntentId { get; init; }
    /// <summary>open, waiting, done, …</summary>
    public required string Status { get; init; }
    /// <summary>Whose inbox it is in.</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>The intent's sender.</summary>
    public required string FromAgent { get; init; }
    /// <summary>The intent's handler.</summary>
    public required string ToAgent { get; init; }
    /// <summary>When it was opened.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When its owner last read it.</summary>
    public DateTimeOffset? ReadAt { get; init; }
    /// <summary>The intent type.</summary>
    public string? IntentType { get; init; }
    /// <summary>Its organisation.</summary>
    public string? OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public string? WorkspaceId { get; init; }
    /// <summary>What happened in it, oldest first.</summary>
    public IReadOnlyList<InboxTimelineItem> Timeline { get; init; } = [];
}

/// <summary>One entry of a thread's timeline; a message carries its id and whether it was deleted.</summary>
public sealed record InboxTimelineItem
{
    /// <summary>The entry's id.</summary>
    public required string EventId { get; init; }
    /// <summary>message.sent, intent.completed, thread.delegated, …</summary>
    public required string EventType { get; init; }
    /// <summary>Who did it.</summary>
    public required string Actor { get; init; }
    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }
    /// <summary>What it carries (the message text, the result, …).</summary>
    public JsonObject Details { get; init; } = [];
    /// <summary>For a message: its id (the entry's).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MessageId { get; init; }
    /// <summary>For a message: true once deleted.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Deleted { get; init; }
}

/// <summary>GET /v1/inbox: threads, newest first.</summary>
public sealed record InboxThreadList
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The threads.</summary>
    public IReadOnlyList<InboxThread> Threads { get; init; } = [];
}

/// <summary>GET /v1/inbox/{id} and the writes on a thread (reply, delegate, approve, reject).</summary>
public sealed record InboxThreadResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The thread after the call.</summary>
    public required InboxThread Thread { get; init; }
}

/// <summary>GET /v1/inbox/changes: threads changed after a cursor, in change order.</summary>
public sealed record InboxChanges
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The changes.</summary>
    public IReadOnlyList<InboxChange> Changes { get; init; } = [];
    /// <summary>Where to continue (the last change's cursor, or the one given; null before any change).</summary>
    public required string? NextCursor { get; init; }
    /// <summary>True when more changes follow.</summary>
    public bool HasMore { get; init; }
}

/// <summary>One changed thread and its cursor.</summary>
public sealed record InboxChange
{
    /// <summary>The change's cursor (opaque).</summary>
    public required string Cursor { get; init; }
    /// <summary>The thread as it is now.</summary>
    public required InboxThread Thread { get; init; }
}

/// <summary>POST /v1/inbox/{id}/read.</summary>
public sealed record InboxThreadRead
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The thread.</summary>
    public required string ThreadId { get; init; }
    /// <summary>When it was read.</summary>
    public DateTimeOffset? ReadAt { get; init; }
}

/// <summary>POST /v1/inbox/{id}/messages/delete.</summary>
public sealed record InboxMessagesDeleted
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The thread after the deletion.</summary>
    public required InboxThread Thread { get; init; }
    /// <summary>self (only for the caller) or both.</summary>
    public required string Mode { get; init; }
    /// <summary>How many messages were deleted.</summary>
    public int DeletedCount { get; init; }
    /// <summary>Which.</summary>
    public IReadOnlyList<string> MessageIds { get; init; } = [];
}
