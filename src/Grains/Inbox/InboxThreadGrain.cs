using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Inbox;
using Axme.Grains.Interfaces.Intents;
using WireTime = Axme.Contracts.WireTime;

namespace Axme.Grains.Inbox;

/// <summary>
/// One inbox thread. Loads its state, asks <see cref="InboxTransitions"/> what an action makes of it and
/// writes the result in one storage write (which the view trigger projects into axme_inbox_threads).
/// Not reentrant: actions on one thread run one at a time.
/// </summary>
public sealed class InboxThreadGrain(
    [PersistentState(AxmeNames.InboxThreadState, AxmeNames.Storage)] IPersistentState<InboxThreadState> state,
    TimeProvider time) : Grain, IInboxThreadGrain
{
    private InboxThread? Thread => state.State.Thread;

    public async Task<InboxThread> OpenAsync(IntentRecord intent, string ownerAgent, string eventType, string? detailsJson)
    {
        // Approving such a thread resolves the intent, whose reply_to thread has the intent's id: sharing that
        // id would make the two grains wait for each other.
        if (eventType == InboxEventType.IntentReceived && intent.IntentId == this.GetPrimaryKey())
            throw new ArgumentException("a thread delivering an intent to its handler needs an id other than the intent's", nameof(eventType));
        var workspace = Thread is { } t ? (t.OrgId, t.WorkspaceId) : await WorkspaceOfAsync(ownerAgent, intent.OrgId, intent.WorkspaceId);
        var opened = InboxTransitions.Open(Thread, this.GetPrimaryKey(), intent, ownerAgent, workspace, eventType, detailsJson, time.GetUtcNow());
        return opened is null ? Thread! : await SaveAsync(opened);
    }

    public Task<InboxThread> GetAsync(InboxScope scope) => Task.FromResult(Visible(scope));

    public Task<InboxThread> ReplyAsync(InboxScope scope, string message)
    {
        var thread = Visible(scope);
        return SaveAsync(InboxTransitions.Reply(thread, InboxTransitions.Actor(scope, thread), message, time.GetUtcNow()));
    }

    public async Task<InboxThread> DelegateAsync(InboxScope scope, string delegateTo, string? note)
    {
        var thread = Visible(scope);
        var workspace = await WorkspaceOfAsync(delegateTo, thread.OrgId, thread.WorkspaceId);
        return await SaveAsync(InboxTransitions.Delegate(thread, InboxTransitions.Actor(scope, thread), delegateTo, workspace, note, time.GetUtcNow()));
    }

    public async Task<InboxThread> DecideAsync(InboxScope scope, bool approve, string? comment)
    {
        var thread = Visible(scope);
        var actor = InboxTransitions.Actor(scope, thread);
        InboxTransitions.EnsureNotDone(thread); // a second decision is 409 and must not reach the intent
        var intentStatus = thread.HandlesIntent ? await FinishIntentAsync(thread, approve, comment, actor) : null;
        return await SaveAsync(InboxTransitions.Decide(thread, actor, approve, comment, intentStatus, time.GetUtcNow()));
    }

    public Task<InboxThread> MarkReadAsync(InboxScope scope) =>
        SaveAsync(InboxTransitions.Read(Visible(scope), time.GetUtcNow()));

    public async Task<DeleteMessagesResult> DeleteMessagesAsync(InboxScope scope, DeleteMessagesCommand command)
    {
        var thread = Visible(scope);
        var (updated, deleted) = InboxTransitions.DeleteMessages(thread, InboxTransitions.Actor(scope, thread), command, time.GetUtcNow());
        return new DeleteMessagesResult(deleted.Count == 0 ? thread : await SaveAsync(updated), deleted);
    }

    /// <summary>Resolves the intent this thread delivers; returns the intent's status afterwards.</summary>
    private async Task<string> FinishIntentAsync(InboxThread thread, bool approve, string? comment, string actor)
    {
        // The owner acts as the intent's handler (to_agent), which IntentAccess lets change the intent. The
        // API has already checked that the caller may act for this owner; no admin rights are needed.
        var handler = new Caller
        {
            ServiceAccountId = "inbox",
            KeyId = "inbox",
            OrgId = thread.OrgId,
            WorkspaceId = thread.WorkspaceId,
            AgentAddress = thread.ToAgent,
        };
        var intent = GrainFactory.GetGrain<IIntentGrain>(thread.IntentId);
        try
        {
            return (await intent.ResolveAsync(handler, InboxTransitions.Resolution(approve, comment, actor), null)).Intent.Status;
        }
        catch (ProtocolException e) when (e.Code == "intent_already_terminal")
        {
            // Finished meanwhile, or by this very decision before a crash kept the thread from recording it.
            return (await intent.GetAsync(handler)).Status;
        }
    }

    /// <summary>The owner's workspace: its service account's when it is a registered agent, else the given one.</summary>
    private async Task<(string OrgId, string WorkspaceId)> WorkspaceOfAsync(string owner, string orgId, string workspaceId) =>
        await GrainFactory.GetGrain<IAgentGrain>(owner).GetAsync() is { } agent ? (agent.OrgId, agent.WorkspaceId) : (orgId, workspaceId);

    private async Task<InboxThread> SaveAsync(InboxThread thread)
    {
        var created = state.State.Thread is null;
        state.State.Thread = thread;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The in-memory copy is ahead of storage now; drop the activation so the next call re-reads.
            DeactivateOnIdle();
            throw;
        }
        await PublishAsync(thread, created);
        return thread;
    }

    /// <summary>
    /// inbox.thread_created / inbox.reply_received / inbox.thread_updated to the owner's webhook subscriptions
    /// (PROTOCOL §9.1), one-way after the write: best effort across a crash, like lifecycle events (ADR 007).
    /// </summary>
    private Task PublishAsync(InboxThread thread, bool created)
    {
        var last = thread.Timeline[^1];
        var eventType = created ? "inbox.thread_created" : last.EventType == InboxEventType.MessageSent ? "inbox.reply_received" : "inbox.thread_updated";
        var payload = Common.JsonText.Object(
            ("thread_id", thread.ThreadId.ToString()), ("intent_id", thread.IntentId.ToString()), ("status", thread.Status),
            ("owner_agent", thread.OwnerAgent), ("from_agent", thread.FromAgent), ("to_agent", thread.ToAgent),
            ("updated_at", WireTime.Format(thread.UpdatedAt)),
            ("item", Common.JsonText.Raw(Common.JsonText.Object(("event_id", last.EventId.ToString()), ("event_type", last.EventType),
                ("actor", last.Actor), ("at", WireTime.Format(last.At)), ("details", Common.JsonText.Raw(last.DetailsJson))))));
        return GrainFactory.GetGrain<IWebhookDirectoryGrain>(IWebhookDirectoryGrain.KeyFor(thread.OrgId, thread.WorkspaceId))
            .PublishOwnerEventAsync(thread.OwnerAgent, $"thr_{thread.ThreadId:N}_{thread.Timeline.Count}_{(created ? 0 : 1)}", eventType, "axme.inbox", payload, thread.UpdatedAt);
    }

    private InboxThread Visible(InboxScope scope) => InboxTransitions.Visible(Thread, this.GetPrimaryKey(), scope);
}
