using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Interfaces.Inbox;

/// <summary>
/// One inbox thread (PROTOCOL §7.6), keyed by thread id. A reply_to completion thread has the intent's
/// id. Every action checks the scope (workspace 403, owner 404) and persists before it returns.
/// </summary>
[Alias("axme.IInboxThreadGrain")]
public interface IInboxThreadGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Opens the thread for an intent in the owner's inbox, or appends to it. Idempotent: an event type
    /// already in the timeline is not added again.
    /// </summary>
    [Alias("Open")]
    Task<InboxThread> OpenAsync(IntentRecord intent, string ownerAgent, string eventType, string? detailsJson);

    /// <summary>The thread, or 404/403.</summary>
    [Alias("Get")]
    Task<InboxThread> GetAsync(InboxScope scope);

    /// <summary>Appends a message.sent item; 409 thread_done on a finished thread.</summary>
    [Alias("Reply")]
    Task<InboxThread> ReplyAsync(InboxScope scope, string message);

    /// <summary>Hands the thread to another owner.</summary>
    [Alias("Delegate")]
    Task<InboxThread> DelegateAsync(InboxScope scope, string delegateTo, string? note);

    /// <summary>Approves or rejects: the thread is done; a live intent it delivers is finished too.</summary>
    [Alias("Decide")]
    Task<InboxThread> DecideAsync(InboxScope scope, bool approve, string? comment);

    /// <summary>Records that the owner read the thread.</summary>
    [Alias("MarkRead")]
    Task<InboxThread> MarkReadAsync(InboxScope scope);

    /// <summary>Deletes messages (their text; the items stay as tombstones).</summary>
    [Alias("DeleteMessages")]
    Task<DeleteMessagesResult> DeleteMessagesAsync(InboxScope scope, DeleteMessagesCommand command);
}
