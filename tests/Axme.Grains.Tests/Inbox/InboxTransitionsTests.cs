using Axme.Grains.Inbox;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Inbox;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Inbox;

public sealed class InboxTransitionsTests
{
    private const string Owner = "agent://acme/ops/owner";
    private const string Sender = "agent://acme/ops/sender";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static InboxThread Opened() => InboxTransitions.Open(null, Guid.NewGuid(), Intent(), Owner, ("acme", "ops"),
        InboxEventType.IntentReceived, null, Now)!;

    private static IntentRecord Intent() => new()
    {
        IntentId = Guid.NewGuid(), OrgId = "acme", WorkspaceId = "ops", IntentType = "refund.requested.v1",
        CorrelationId = "c", FromAgent = Sender, ToAgent = Owner, PayloadJson = "{}", Status = IntentStatus.Delivered,
        CreatedAt = Now, UpdatedAt = Now, CreatedBy = "sa_sender",
    };

    [Fact]
    public void Owner_actions_make_a_pending_thread_active_and_read_records_the_time()
    {
        var thread = Opened();

        var replied = InboxTransitions.Reply(thread, Owner, "hello", Now.AddSeconds(1));
        var read = InboxTransitions.Read(thread, Now.AddSeconds(2));

        Assert.Equal(InboxThreadStatus.Pending, thread.Status);
        Assert.Equal(InboxThreadStatus.Active, replied.Status);
        Assert.Equal(InboxEventType.MessageSent, replied.Timeline[^1].EventType);
        Assert.Contains($"\"message_id\":\"{replied.Timeline[^1].EventId}\"", replied.Timeline[^1].DetailsJson);
        Assert.Equal((InboxThreadStatus.Active, Now.AddSeconds(2)), (read.Status, read.ReadAt));
    }

    [Fact]
    public void A_done_thread_refuses_replies_delegation_and_decisions_with_thread_done()
    {
        var done = InboxTransitions.Decide(Opened(), Owner, approve: false, "no", null, Now);

        Assert.Equal(InboxThreadStatus.Done, done.Status);
        foreach (var action in new Action[]
                 {
                     () => InboxTransitions.Reply(done, Owner, "late", Now),
                     () => InboxTransitions.Delegate(done, Owner, "agent://acme/ops/other", ("acme", "ops"), null, Now),
                     () => InboxTransitions.Decide(done, Owner, approve: true, null, null, Now),
                 })
        {
            var e = Assert.Throws<ProtocolException>(action);
            Assert.Equal((409, "thread_done"), (e.Status, e.Code));
        }
    }

    [Fact]
    public void Delegation_changes_the_owner_and_records_who_handed_it_on()
    {
        var delegated = InboxTransitions.Delegate(Opened(), Owner, "agent://other/ws/helper", ("other", "ws"), "please", Now);

        Assert.Equal(("agent://other/ws/helper", "other", "ws"), (delegated.OwnerAgent, delegated.OrgId, delegated.WorkspaceId));
        Assert.Equal(InboxEventType.Delegated, delegated.Timeline[^1].EventType);
        Assert.Contains($"\"from_owner\":\"{Owner}\"", delegated.Timeline[^1].DetailsJson);
    }

    [Fact]
    public void Deleting_in_self_mode_takes_only_the_owners_messages_newest_first_up_to_the_limit()
    {
        var thread = InboxTransitions.Reply(Opened(), Owner, "mine 1", Now);
        thread = InboxTransitions.Reply(thread, Sender, "theirs", Now);
        thread = InboxTransitions.Reply(thread, Owner, "mine 2", Now);
        var messages = thread.Timeline.Where(t => t.EventType == InboxEventType.MessageSent).ToArray();

        var (self, selfDeleted) = InboxTransitions.DeleteMessages(thread, Owner, new DeleteMessagesCommand { Mode = "self", Limit = 1 }, Now);
        var (_, bothDeleted) = InboxTransitions.DeleteMessages(thread, Owner, new DeleteMessagesCommand { Mode = "both", Limit = 100 }, Now);
        var (_, named) = InboxTransitions.DeleteMessages(thread, Owner,
            new DeleteMessagesCommand { Mode = "self", MessageIds = [messages[1].EventId], Limit = 100 }, Now);

        Assert.Equal([messages[2].EventId], selfDeleted);
        var tombstone = self.Timeline.Single(t => t.EventId == messages[2].EventId);
        Assert.True(tombstone.Deleted);
        Assert.DoesNotContain("mine 2", tombstone.DetailsJson);
        Assert.Equal(InboxEventType.MessagesDeleted, self.Timeline[^1].EventType);
        Assert.Equal(messages.Select(m => m.EventId).Order(), bothDeleted.Order());
        Assert.Empty(named); // someone else's message is not the owner's to delete in self mode
    }

    [Fact]
    public void Only_a_live_intent_opened_for_its_handler_is_finished_by_a_decision()
    {
        var forHandler = Opened();
        var completion = InboxTransitions.Open(null, Guid.NewGuid(), Intent() with { Status = IntentStatus.Completed }, Sender,
            ("acme", "ops"), IntentEventType.Completed, null, Now)!;

        Assert.True(forHandler.HandlesIntent);
        Assert.False(completion.HandlesIntent);
        Assert.Equal("system", completion.Timeline[0].Actor);
    }
}
