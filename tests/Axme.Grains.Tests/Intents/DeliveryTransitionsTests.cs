using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Intents;

/// <summary>The delivery transitions: handing an intent to its agent, poll leases, acknowledgement.</summary>
public sealed class DeliveryTransitionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static IntentRecord Submitted(int? maxAttempts = null) =>
        IntentTransitions.Create(Guid.NewGuid(), TestData.Create(TestData.Caller()) with { MaxDeliveryAttempts = maxAttempts }, T0).Intent;

    [Fact]
    public void Deliver_moves_submitted_to_delivered_once()
    {
        var t = IntentTransitions.Deliver(Submitted(), T0);
        Assert.True(t.Applied);
        var e = Assert.Single(t.Events);
        Assert.Equal((3, IntentEventType.Delivered, IntentStatus.Delivered), (e.Seq, e.EventType, e.Status));
        Assert.Equal("agent", e.PendingWith!.Type);
        Assert.False(IntentTransitions.Deliver(t.Intent, T0).Applied);
    }

    [Fact]
    public void A_lease_hides_the_delivery_until_it_expires_and_counts_attempts()
    {
        var first = IntentTransitions.Lease(Submitted(), T0, TimeSpan.FromSeconds(30), 5);
        Assert.True(first.Applied);
        Assert.Equal(IntentStatus.Delivered, first.Intent.Status);
        Assert.Equal(1, first.Intent.DeliveryAttempt);
        Assert.Equal(T0.AddSeconds(30), first.Intent.LeaseUntil);

        Assert.Equal("leased", IntentTransitions.Lease(first.Intent, T0.AddSeconds(29), TimeSpan.FromSeconds(30), 5).NotAppliedReason);
        var second = IntentTransitions.Lease(first.Intent, T0.AddSeconds(30), TimeSpan.FromSeconds(30), 5);
        Assert.True(second.Applied);
        Assert.Empty(second.Events); // a redelivery changes no status
        Assert.Equal(2, second.Intent.DeliveryAttempt);
    }

    [Fact]
    public void Past_the_maximum_attempts_the_intent_fails_with_delivery_failed()
    {
        var intent = Submitted(maxAttempts: 2);
        intent = IntentTransitions.Lease(intent, T0, TimeSpan.FromSeconds(1), 5).Intent;
        intent = IntentTransitions.Lease(intent, T0.AddSeconds(2), TimeSpan.FromSeconds(1), 5).Intent;
        var t = IntentTransitions.Lease(intent, T0.AddSeconds(4), TimeSpan.FromSeconds(1), 5);
        Assert.True(t.Applied);
        Assert.Equal(IntentStatus.Failed, t.Intent.Status);
        var e = Assert.Single(t.Events);
        Assert.Equal(IntentEventType.DeliveryFailed, e.EventType);
        Assert.Contains("\"delivery_attempt\":\"2\"", e.DetailsJson);
        Assert.Contains("delivery_failed", t.Intent.ErrorJson);
        Assert.Null(t.Intent.LeaseUntil);
    }

    [Fact]
    public void Acknowledge_ends_redelivery_and_is_only_for_delivered_intents()
    {
        Assert.Equal("not_delivered", IntentTransitions.Acknowledge(Submitted(), "agent://a/b/c", T0).NotAppliedReason);
        var leased = IntentTransitions.Lease(Submitted(), T0, TimeSpan.FromSeconds(30), 5).Intent;
        var t = IntentTransitions.Acknowledge(leased, "agent://a/b/c", T0);
        Assert.Equal(IntentStatus.Acknowledged, t.Intent.Status);
        Assert.Null(t.Intent.LeaseUntil);
        Assert.Equal("not_deliverable", IntentTransitions.Lease(t.Intent, T0.AddHours(1), TimeSpan.FromSeconds(30), 5).NotAppliedReason);
        var done = IntentTransitions.Resolve(t.Intent, TestData.Complete(), T0).Intent;
        Assert.Equal(409, Assert.Throws<ProtocolException>(() => IntentTransitions.Acknowledge(done, null, T0)).Status);
    }

    [Fact]
    public void An_http_delivery_records_its_attempt_count_when_it_delivers()
    {
        var t = IntentTransitions.Deliver(Submitted(), T0, attempts: 4);
        Assert.Equal(4, t.Intent.DeliveryAttempt);
        Assert.Contains("\"delivery_attempt\":\"4\"", Assert.Single(t.Events).DetailsJson);
    }

    [Fact]
    public void A_dead_lettered_http_delivery_fails_the_intent_only_while_the_handler_has_not_taken_it_up()
    {
        var t = IntentTransitions.DeadLetter(Submitted(), 5, "HTTP 503", T0);
        Assert.True(t.Applied);
        Assert.Equal(IntentStatus.Failed, t.Intent.Status);
        var e = Assert.Single(t.Events);
        Assert.Equal(IntentEventType.DeliveryFailed, e.EventType);
        Assert.Contains("delivery_failed", t.Intent.ErrorJson);
        Assert.Contains("HTTP 503", t.Intent.ErrorJson);
        Assert.Equal(5, t.Intent.DeliveryAttempt);

        var delivered = IntentTransitions.Deliver(Submitted(), T0).Intent;
        Assert.True(IntentTransitions.DeadLetter(delivered, 5, "timeout", T0).Applied);
        var acknowledged = IntentTransitions.Acknowledge(delivered, "agent://a/b/c", T0).Intent;
        var left = IntentTransitions.DeadLetter(acknowledged, 5, "timeout", T0);
        Assert.False(left.Applied);
        Assert.Equal("taken_up_by_handler", left.NotAppliedReason);
    }

    [Fact]
    public void Progress_takes_the_delivery_up_and_repeats_as_in_progress_events_but_not_while_waiting()
    {
        var leased = IntentTransitions.Lease(Submitted(), T0, TimeSpan.FromSeconds(30), 5).Intent;
        var first = IntentTransitions.Progress(leased, "agent://acme/ops/billing", """{"percent":10}""", T0);
        Assert.Equal(IntentStatus.InProgress, first.Intent.Status);
        Assert.Null(first.Intent.LeaseUntil);
        Assert.Contains("\"percent\":10", Assert.Single(first.Events).DetailsJson);
        var second = IntentTransitions.Progress(first.Intent, "agent://acme/ops/billing", """{"percent":20}""", T0);
        var e = Assert.Single(second.Events);
        Assert.Equal((IntentEventType.InProgress, IntentStatus.InProgress, first.Intent.LastSeq + 1), (e.EventType, e.Status, e.Seq));

        var waiting = IntentTransitions.Create(Guid.NewGuid(), TestData.Create(TestData.Caller(), humanTaskJson: TestData.HumanTask), T0).Intent;
        Assert.Equal("intent_waiting", Assert.Throws<ProtocolException>(() => IntentTransitions.Progress(waiting, null, "{}", T0)).Code);
        var done = IntentTransitions.Resolve(second.Intent, TestData.Complete(), T0).Intent;
        Assert.Equal(409, Assert.Throws<ProtocolException>(() => IntentTransitions.Progress(done, null, "{}", T0)).Status);
    }
}
