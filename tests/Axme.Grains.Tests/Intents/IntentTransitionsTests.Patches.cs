using System.Text.Json.Nodes;
using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Time.Testing;

namespace Axme.Grains.Tests.Intents;

/// <summary>The transitions, continued: controls and policy patches (compare-and-set, timeouts) and timing out at the deadline.</summary>
public sealed partial class IntentTransitionsTests
{
    [Fact]
    public void Patch_merges_shallowly_and_bumps_the_generation()
    {
        var intent = Create().Intent;

        var first = IntentTransitions.Patch(intent, new PatchCommand { ControlsPatchJson = """{"a": {"x": 1}, "b": 1}""" }, Now);
        var second = IntentTransitions.Patch(first.Intent,
            new PatchCommand { ControlsPatchJson = """{"a": {"y": 2}, "b": null}""", GrantsPatchJson = """{"delegate:agent://ops": {"allow": ["resume"]}}""" }, Now);

        Assert.True(second.Applied);
        Assert.Empty(second.Events);
        Assert.Equal(1, first.Intent.PolicyGeneration);
        Assert.Equal(2, second.Intent.PolicyGeneration);
        AssertJson("""{"a": {"y": 2}}""", second.Intent.ControlsJson);
        AssertJson("""{"delegate:agent://ops": {"allow": ["resume"]}}""", second.Intent.GrantsJson);
        Assert.Equal(IntentStatus.Submitted, second.Intent.Status);
    }

    [Fact]
    public void Patch_timeout_counts_from_creation()
    {
        var intent = Create().Intent;
        _clock.Advance(TimeSpan.FromSeconds(20));

        var t = IntentTransitions.Patch(intent, new PatchCommand { ControlsPatchJson = """{"timeout_seconds": 30}""" }, Now);

        Assert.Equal(intent.CreatedAt.AddSeconds(30), t.Intent.EffectiveDeadline);
    }

    [Fact]
    public void Patch_with_a_stale_generation_is_not_applied()
    {
        var intent = Create().Intent;

        var t = IntentTransitions.Patch(intent, new PatchCommand { ControlsPatchJson = """{"a": 1}""", ExpectedPolicyGeneration = 1 }, Now);

        Assert.False(t.Applied);
        Assert.Equal(IntentTransitions.StalePolicyGeneration, t.NotAppliedReason);
        Assert.Equal(0, t.Intent.PolicyGeneration);
    }

    [Theory]
    [InlineData("""{"timeout_seconds": "soon"}""")]
    [InlineData("""{"timeout_seconds": -5}""")]
    [InlineData("""{"timeout_seconds": 0}""")]
    public void Patch_with_a_bad_timeout_is_invalid(string controls)
    {
        var e = Assert.Throws<ProtocolException>(() =>
            IntentTransitions.Patch(Create().Intent, new PatchCommand { ControlsPatchJson = controls }, Now));

        Assert.Equal(422, e.Status);
        Assert.Equal("controls_patch", e.Details?["field"]);
    }

    [Fact]
    public void TimeOut_before_the_deadline_does_nothing()
    {
        var intent = Create(deadlineAt: Now.AddSeconds(30)).Intent;
        _clock.Advance(TimeSpan.FromSeconds(29));

        var t = IntentTransitions.TimeOut(intent, Now);

        Assert.False(t.Applied);
        Assert.Empty(t.Events);
    }

    [Fact]
    public void TimeOut_after_the_deadline_times_the_intent_out()
    {
        var intent = Create(deadlineAt: Now.AddSeconds(30)).Intent;
        _clock.Advance(TimeSpan.FromSeconds(30));

        var t = IntentTransitions.TimeOut(intent, Now);

        Assert.True(t.Applied);
        var e = Assert.Single(t.Events);
        Assert.Equal((3, IntentEventType.TimedOut, IntentStatus.TimedOut), (e.Seq, e.EventType, e.Status));
        Assert.Equal(IntentStatus.TimedOut, t.Intent.Status);
        Assert.Equal("intent_timeout", JsonNode.Parse(t.Intent.ErrorJson!)!["code"]!.GetValue<string>());
        Assert.Equal("intent_timeout", JsonNode.Parse(e.DetailsJson!)!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public void TimeOut_on_a_terminal_intent_does_nothing()
    {
        var intent = Create(deadlineAt: Now.AddSeconds(30)).Intent;
        var done = IntentTransitions.Resolve(intent, TestData.Complete(), Now).Intent;
        _clock.Advance(TimeSpan.FromMinutes(5));

        var t = IntentTransitions.TimeOut(done, Now);

        Assert.False(t.Applied);
        Assert.Empty(t.Events);
        Assert.Equal(IntentStatus.Completed, t.Intent.Status);
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    private Transition Create(DateTimeOffset? deadlineAt = null, string? humanTaskJson = null) =>
        IntentTransitions.Create(Guid.NewGuid(), TestData.Create(TestData.Caller(), deadlineAt: deadlineAt, humanTaskJson: humanTaskJson), Now);

    private static ResumeCommand TaskResult(string json) => new() { Kind = ResumeKind.TaskResult, BodyJson = json, Actor = "human:alice@example.com" };

    private static void AssertJson(string expected, string? actual)
    {
        Assert.NotNull(actual);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}, got {actual}");
    }
}
