using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Inbox;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Inbox;

[Collection(ClusterCollection.Name)]
public sealed class InboxThreadGrainTests(ClusterFixture fx)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private const string ReplyTo = "agent://acme/ops/requester";
    private readonly Caller _caller = TestData.Caller();

    [Fact]
    public async Task Open_is_idempotent_per_event_type_and_every_write_gets_a_new_change_cursor()
    {
        var intent = await CreatedIntentAsync(replyTo: null);
        var thread = fx.Client.GetGrain<IInboxThreadGrain>(Guid.NewGuid());

        var first = await thread.OpenAsync(intent, TestData.ToAgent, InboxEventType.IntentReceived, null);
        var cursor1 = await ChangeSeqAsync(first.ThreadId);
        var again = await thread.OpenAsync(intent, TestData.ToAgent, InboxEventType.IntentReceived, null);
        var cursor2 = await ChangeSeqAsync(first.ThreadId);
        var appended = await thread.OpenAsync(intent, TestData.ToAgent, IntentEventType.Completed, """{"note": "x"}""");
        var cursor3 = await ChangeSeqAsync(first.ThreadId);

        Assert.Equal(InboxThreadStatus.Pending, first.Status);
        Assert.True(first.HandlesIntent);
        Assert.Equal(_caller.AgentAddress, Assert.Single(first.Timeline).Actor);
        Assert.Equal(first.Timeline.Select(t => t.EventId), again.Timeline.Select(t => t.EventId));
        Assert.Equal(cursor1, cursor2); // no write for a repeated delivery
        Assert.Equal([InboxEventType.IntentReceived, IntentEventType.Completed], appended.Timeline.Select(t => t.EventType));
        Assert.True(cursor3 > cursor1);
    }

    [Fact]
    public async Task Resolving_an_intent_with_reply_to_opens_the_thread_with_the_result_before_answering()
    {
        var intent = await CreatedIntentAsync(ReplyTo);

        var result = await fx.Client.GetGrain<IIntentGrain>(intent.IntentId).ResolveAsync(_caller, TestData.Complete("""{"refunded": true}"""), null);
        var thread = await fx.Client.GetGrain<IInboxThreadGrain>(intent.IntentId).GetAsync(new InboxScope(_caller, ReplyTo));

        Assert.True(result.CompletionDelivered);
        Assert.Equal(intent.IntentId, thread.ThreadId);
        Assert.Equal(ReplyTo, thread.OwnerAgent);
        var item = Assert.Single(thread.Timeline);
        Assert.Equal(IntentEventType.Completed, item.EventType);
        Assert.Contains("\"refunded\":true", item.DetailsJson);
        Assert.Equal(0, await ReminderRowsAsync(intent.IntentId)); // the retry reminder is gone once delivered
    }

    [Fact]
    public async Task A_timeout_delivers_intent_timed_out_to_the_reply_to_inbox()
    {
        var intent = await CreatedIntentAsync(ReplyTo, deadlineAt: DateTimeOffset.UtcNow.AddSeconds(1));
        var grain = fx.Client.GetGrain<IInboxThreadGrain>(intent.IntentId);
        var scope = new InboxScope(_caller, ReplyTo);

        var thread = await Eventually.WaitAsync(async () =>
        {
            try { return await grain.GetAsync(scope); }
            catch (ProtocolException) { return null; }
        }, t => t is not null, Timeout);

        Assert.NotNull(thread);
        Assert.Equal(IntentEventType.TimedOut, Assert.Single(thread.Timeline).EventType);
        Assert.Contains("intent_timeout", thread.Timeline[0].DetailsJson);
    }

    [Fact]
    public async Task Approve_completes_the_delivered_intent_once_and_a_second_decision_is_409()
    {
        var intent = await CreatedIntentAsync(ReplyTo);
        var thread = fx.Client.GetGrain<IInboxThreadGrain>(Guid.NewGuid());
        await thread.OpenAsync(intent, TestData.ToAgent, InboxEventType.IntentReceived, null);
        var owner = new InboxScope(TestData.Caller(serviceAccount: "sa_human"), TestData.ToAgent);

        var done = await thread.DecideAsync(owner, approve: true, "looks good");
        var second = await Assert.ThrowsAsync<ProtocolException>(() => thread.DecideAsync(owner, approve: false, null));
        var finished = await fx.Client.GetGrain<IIntentGrain>(intent.IntentId).GetAsync(_caller);
        var completion = await fx.Client.GetGrain<IInboxThreadGrain>(intent.IntentId).GetAsync(new InboxScope(_caller, ReplyTo));

        Assert.Equal(InboxThreadStatus.Done, done.Status);
        Assert.Equal(InboxEventType.Approved, done.Timeline[^1].EventType);
        Assert.Contains("\"intent_status\":\"COMPLETED\"", done.Timeline[^1].DetailsJson);
        Assert.Equal((409, "thread_done"), (second.Status, second.Code));
        Assert.Equal(IntentStatus.Completed, finished.Status);
        Assert.Equal("""{"decision":"approved","comment":"looks good"}""", finished.ResultJson);
        Assert.Equal(IntentEventType.Completed, Assert.Single(completion.Timeline).EventType); // and the sender hears of it
    }

    [Fact]
    public async Task Reject_fails_the_delivered_intent_with_code_rejected()
    {
        var intent = await CreatedIntentAsync(replyTo: null);
        var thread = fx.Client.GetGrain<IInboxThreadGrain>(Guid.NewGuid());
        await thread.OpenAsync(intent, TestData.ToAgent, InboxEventType.IntentReceived, null);

        await thread.DecideAsync(new InboxScope(_caller, TestData.ToAgent), approve: false, "not this month");
        var finished = await fx.Client.GetGrain<IIntentGrain>(intent.IntentId).GetAsync(_caller);

        Assert.Equal(IntentStatus.Failed, finished.Status);
        Assert.Equal("""{"code":"rejected","message":"not this month"}""", finished.ErrorJson);
    }

    [Fact]
    public async Task A_thread_is_403_outside_its_workspace_and_404_for_another_owner_or_an_unknown_id()
    {
        var intent = await CreatedIntentAsync(ReplyTo);
        await fx.Client.GetGrain<IIntentGrain>(intent.IntentId).ResolveAsync(_caller, TestData.Complete(), null);
        var grain = fx.Client.GetGrain<IInboxThreadGrain>(intent.IntentId);

        var other = await Assert.ThrowsAsync<ProtocolException>(() => grain.GetAsync(new InboxScope(TestData.Caller(org: "other"), null)));
        var owner = await Assert.ThrowsAsync<ProtocolException>(() => grain.GetAsync(new InboxScope(_caller, "agent://acme/ops/someone-else")));
        var unknown = await Assert.ThrowsAsync<ProtocolException>(() =>
            fx.Client.GetGrain<IInboxThreadGrain>(Guid.NewGuid()).GetAsync(new InboxScope(_caller, null)));

        Assert.Equal(403, other.Status);
        Assert.Equal((404, "thread_not_found"), (owner.Status, owner.Code));
        Assert.Equal((404, "thread_not_found"), (unknown.Status, unknown.Code));
    }

    private async Task<IntentRecord> CreatedIntentAsync(string? replyTo, DateTimeOffset? deadlineAt = null)
    {
        var created = await fx.Client.GetGrain<IIntentGrain>(Guid.NewGuid())
            .CreateAsync(TestData.Create(_caller, deadlineAt: deadlineAt) with { ReplyTo = replyTo });
        return created.Intent;
    }

    private Task<long> ChangeSeqAsync(Guid threadId) =>
        fx.ScalarAsync<long>("SELECT change_seq FROM axme_inbox_threads WHERE service_id = @service AND thread_id = @id",
            ("service", fx.ServiceId), ("id", threadId));

    private async Task<long> ReminderRowsAsync(Guid intentId) =>
        await fx.ScalarAsync<long>(
            "SELECT count(*) FROM orleansreminderstable WHERE serviceid = @service AND grainid = @grain",
            ("service", fx.ServiceId), ("grain", fx.Client.GetGrain<IIntentGrain>(intentId).GetGrainId().ToString()));
}
