using Axme.Grains.Common;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Inbox;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Inbox;

/// <summary>
/// Inbox thread rules (PROTOCOL §7.6) as pure functions over the thread record: who may see it, and
/// what each action makes of it. No I/O; <see cref="InboxThreadGrain"/> persists the result.
/// </summary>
public static class InboxTransitions
{
    public const string ModeSelf = "self";
    public const string ModeBoth = "both";

    /// <summary>
    /// The thread as the scope may see it: 404 when unknown, 403 outside the caller's workspace, 404 when
    /// the scope names another owner (PROTOCOL §2.8, ADR 001 D29).
    /// </summary>
    public static InboxThread Visible(InboxThread? thread, Guid threadId, InboxScope scope)
    {
        if (thread is null) throw ProtocolException.NotFound("thread", threadId.ToString());
        if (!scope.Caller.CanAccess(thread.OrgId, thread.WorkspaceId))
            throw ProtocolException.Forbidden("thread belongs to another workspace");
        if (scope.OwnerAgent is { } owner && owner != thread.OwnerAgent)
            throw ProtocolException.NotFound("thread", threadId.ToString());
        return thread;
    }

    /// <summary>Who acts: the owner the request named, else (an admin key) the thread's owner.</summary>
    public static string Actor(InboxScope scope, InboxThread thread) => scope.OwnerAgent ?? thread.OwnerAgent;

    /// <summary>
    /// Opens a thread for an intent in the owner's inbox, or appends the event to the existing one; null
    /// when that event type is already in the timeline (a repeated delivery).
    /// </summary>
    public static InboxThread? Open(InboxThread? existing, Guid threadId, IntentRecord intent, string owner,
        (string OrgId, string WorkspaceId) workspace, string eventType, string? detailsJson, DateTimeOffset now)
    {
        if (existing is not null && existing.IntentId != intent.IntentId)
            throw new InvalidOperationException($"thread {threadId} belongs to intent {existing.IntentId}, not {intent.IntentId}");
        if (existing?.Timeline.Any(t => t.EventType == eventType) == true) return null;
        var item = Item(eventType, eventType == InboxEventType.IntentReceived ? intent.FromAgent : "system",
            detailsJson ?? IntentDetails(intent), now);
        if (existing is not null)
            return existing with { Timeline = [.. existing.Timeline, item], UpdatedAt = now };
        return new InboxThread
        {
            ThreadId = threadId,
            IntentId = intent.IntentId,
            Status = InboxThreadStatus.Pending,
            OwnerAgent = owner,
            FromAgent = intent.FromAgent,
            ToAgent = intent.ToAgent,
            OrgId = workspace.OrgId,
            WorkspaceId = workspace.WorkspaceId,
            CreatedAt = now,
            UpdatedAt = now,
            Timeline = [item],
            IntentType = intent.IntentType,
            HandlesIntent = eventType == InboxEventType.IntentReceived && !intent.IsTerminal && intent.ToAgent == owner,
        };
    }

    /// <summary>What a thread shows of an intent: its id, status and result, error or reason.</summary>
    public static string IntentDetails(IntentRecord intent) => JsonText.Object(
        ("intent_id", intent.IntentId.ToString()),
        ("intent_type", intent.IntentType),
        ("status", intent.Status),
        ("result", JsonText.Raw(intent.ResultJson)),
        ("error", JsonText.Raw(intent.ErrorJson)),
        ("reason", intent.Reason));

    public static InboxThread Reply(InboxThread thread, string actor, string message, DateTimeOffset now)
    {
        EnsureNotDone(thread);
        var id = Guid.NewGuid();
        var item = Item(InboxEventType.MessageSent, actor,
            JsonText.Object(("message_id", id.ToString()), ("message", message)), now) with { EventId = id };
        return Touch(thread, item, now);
    }

    public static InboxThread Delegate(InboxThread thread, string actor, string delegateTo,
        (string OrgId, string WorkspaceId) workspace, string? note, DateTimeOffset now)
    {
        EnsureNotDone(thread);
        var item = Item(InboxEventType.Delegated, actor,
            JsonText.Object(("from_owner", thread.OwnerAgent), ("delegate_to", delegateTo), ("note", note)), now);
        return Touch(thread, item, now) with { OwnerAgent = delegateTo, OrgId = workspace.OrgId, WorkspaceId = workspace.WorkspaceId };
    }

    /// <summary>Approve or reject: the thread is done. intentStatus is the intent's status after a decision finished it.</summary>
    public static InboxThread Decide(InboxThread thread, string actor, bool approve, string? comment, string? intentStatus, DateTimeOffset now)
    {
        EnsureNotDone(thread);
        var item = Item(approve ? InboxEventType.Approved : InboxEventType.Rejected, actor,
            JsonText.Object(("decision", approve ? "approved" : "rejected"), ("comment", comment), ("intent_status", intentStatus)), now);
        return Touch(thread, item, now) with { Status = InboxThreadStatus.Done };
    }

    /// <summary>The resolve an approval or rejection makes of the intent the thread delivers.</summary>
    public static ResolveCommand Resolution(bool approve, string? comment, string actor) => approve
        ? new ResolveCommand
        {
            Status = IntentStatus.Completed,
            ResultJson = JsonText.Object(("decision", "approved"), ("comment", comment)),
            Actor = actor,
        }
        : new ResolveCommand
        {
            Status = IntentStatus.Failed,
            ErrorJson = JsonText.Object(("code", "rejected"), ("message", comment ?? "rejected in the inbox")),
            Reason = comment,
            Actor = actor,
        };

    public static InboxThread Read(InboxThread thread, DateTimeOffset now) => thread with
    {
        ReadAt = now,
        UpdatedAt = now,
        Status = thread.Status == InboxThreadStatus.Pending ? InboxThreadStatus.Active : thread.Status,
    };

    /// <summary>
    /// Deletes messages: the named ones (or else the newest, up to the limit) among the owner's own (self)
    /// or everyone's (both). Deleted items keep their place but lose their text.
    /// </summary>
    public static (InboxThread Thread, IReadOnlyList<Guid> Deleted) DeleteMessages(InboxThread thread, string actor,
        DeleteMessagesCommand c, DateTimeOffset now)
    {
        var candidates = thread.Timeline
            .Where(t => t.EventType == InboxEventType.MessageSent && !t.Deleted && (c.Mode == ModeBoth || t.Actor == actor))
            .Where(t => c.MessageIds is null || c.MessageIds.Contains(t.EventId))
            .Reverse().Take(c.Limit).Select(t => t.EventId).ToHashSet();
        if (candidates.Count == 0) return (thread, []);
        var timeline = thread.Timeline.Select(t => candidates.Contains(t.EventId)
            ? t with { Deleted = true, DetailsJson = JsonText.Object(("message_id", t.EventId.ToString()), ("deleted", true)) }
            : t).ToList();
        var deleted = timeline.Where(t => candidates.Contains(t.EventId)).Select(t => t.EventId).ToArray();
        timeline.Add(Item(InboxEventType.MessagesDeleted, actor,
            JsonText.Object(("mode", c.Mode), ("message_ids", new System.Text.Json.Nodes.JsonArray([.. deleted.Select(d => (System.Text.Json.Nodes.JsonNode)d.ToString())]))), now));
        return (thread with { Timeline = timeline, UpdatedAt = now }, deleted);
    }

    /// <summary>Actions other than read and messages/delete are refused on a done thread (409 thread_done).</summary>
    public static void EnsureNotDone(InboxThread thread)
    {
        if (thread.Status == InboxThreadStatus.Done)
            throw ProtocolException.Conflict("thread_done", "the thread is already done (approved or rejected)");
    }

    /// <summary>An owner action: appended to the timeline, and a pending thread becomes active.</summary>
    private static InboxThread Touch(InboxThread thread, InboxTimelineItem item, DateTimeOffset now) => thread with
    {
        Timeline = [.. thread.Timeline, item],
        UpdatedAt = now,
        Status = thread.Status == InboxThreadStatus.Pending ? InboxThreadStatus.Active : thread.Status,
    };

    private static InboxTimelineItem Item(string eventType, string actor, string detailsJson, DateTimeOffset now) => new()
    {
        EventId = Guid.NewGuid(),
        EventType = eventType,
        Actor = actor,
        At = now,
        DetailsJson = detailsJson,
    };
}
