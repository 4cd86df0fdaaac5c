using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Humans;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Humans;

/// <summary>Every rule of TaskAccess.CanAnswer (docs/adr/009), each with an answer it allows and one it refuses.</summary>
public sealed class TaskAccessTests
{
    private static readonly Caller Sender = TestData.Caller("acme", "ops", "sa_sender");
    private static readonly Caller Colleague = TestData.Caller("acme", "ops", "sa_colleague") with { AgentAddress = "agent://acme/ops/colleague" };
    private static readonly Caller Handler = TestData.Caller("acme", "ops", "sa_handler") with { AgentAddress = TestData.ToAgent };
    private static readonly Caller AliceKey = TestData.Caller("acme", "ops", "sa_alice") with { AgentAddress = "agent://acme/ops/alice", IsHuman = true };
    private static readonly HumanIdentity Alice = new("sa_alice", "Alice@Example.com", ["approvers"], ["finance"]);
    private static readonly HumanIdentity Bob = new("sa_bob", "bob@example.com", ["viewers"], ["ops"]);

    private static IntentRecord Task(params string[] assignees)
    {
        var task = assignees.Length == 0 ? """{"title": "t"}""" : System.Text.Json.JsonSerializer.Serialize(new { title = "t", assignees });
        return IntentTransitions.Create(Guid.NewGuid(), TestData.Create(Sender, humanTaskJson: task), DateTimeOffset.UnixEpoch).Intent;
    }

    [Fact]
    public void An_admin_answers_any_task_even_one_assigned_to_someone_else()
    {
        var admin = TestData.Caller("other", "ws", "sa_admin") with { AgentAddress = "agent://other/ws/admin", IsAdmin = true };
        Assert.True(TaskAccess.CanAnswer(admin, null, Task("role:approvers")));
        Assert.False(TaskAccess.CanAnswer(admin with { IsAdmin = false }, null, Task("role:approvers")));
    }

    [Fact]
    public void A_human_answers_a_task_without_assignees_but_not_without_a_live_account()
    {
        Assert.True(TaskAccess.CanAnswer(AliceKey, Alice, Task()));
        Assert.False(TaskAccess.CanAnswer(AliceKey, null, Task()));
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("ALICE@EXAMPLE.COM")]
    [InlineData("human:alice@example.com")]
    [InlineData("Human:Alice@Example.com")]
    [InlineData("sa_alice")]
    [InlineData("user:sa_alice")]
    [InlineData("role:approvers")]
    [InlineData("ROLE:Approvers")]
    [InlineData("team:finance")]
    [InlineData("approvers")]
    [InlineData("finance")]
    [InlineData("agent://acme/ops/alice")]
    [InlineData("alice")]
    public void A_human_answers_when_an_assignee_names_it(string assignee)
    {
        Assert.True(TaskAccess.CanAnswer(AliceKey, Alice, Task("someone@else.org", assignee)));
        Assert.False(TaskAccess.CanAnswer(AliceKey with { ServiceAccountId = "sa_bob", AgentAddress = "agent://acme/ops/bob" }, Bob, Task("someone@else.org", assignee)));
    }

    [Theory]
    [InlineData("role:finance")] // a team is not a role
    [InlineData("team:approvers")] // a role is not a team
    [InlineData("human:sa_alice")] // the human: form is an e-mail
    [InlineData("user:alice@example.com")] // the user: form is an id
    [InlineData("alice@example.org")]
    public void A_human_is_refused_when_no_assignee_names_it(string assignee) =>
        Assert.False(TaskAccess.CanAnswer(AliceKey, Alice, Task(assignee)));

    [Fact]
    public void A_human_who_sent_the_intent_is_still_only_an_assignee()
    {
        var senderHuman = Sender with { IsHuman = true };
        var human = new HumanIdentity(Sender.ServiceAccountId, "carol@example.com", [], []);
        Assert.False(TaskAccess.CanAnswer(senderHuman, human, Task("role:approvers")));
        Assert.True(TaskAccess.CanAnswer(senderHuman, human, Task("carol@example.com")));
    }

    [Theory]
    [InlineData("agent://acme/ops/colleague")]
    [InlineData("colleague")]
    [InlineData("agent://ACME/ops/colleague")]
    public void An_agent_answers_when_an_assignee_names_its_address(string assignee)
    {
        Assert.True(TaskAccess.CanAnswer(Colleague, null, Task("role:approvers", assignee)));
        Assert.False(TaskAccess.CanAnswer(Colleague with { AgentAddress = "agent://acme/ops/other" }, null, Task("role:approvers", assignee)));
    }

    [Theory]
    [InlineData]
    [InlineData("operator")] // a bare name: a role alias of a scenario, answered by the CLI operator's key
    [InlineData("agent://acme/ops/approver")]
    public void The_sender_and_handler_answer_while_no_assignee_is_human_shaped(params string[] assignees)
    {
        Assert.True(TaskAccess.CanAnswer(Sender, null, Task(assignees)));
        Assert.True(TaskAccess.CanAnswer(Handler, null, Task(assignees)));
        Assert.False(TaskAccess.CanAnswer(Colleague, null, Task(assignees)));
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("human:alice@example.com")]
    [InlineData("role:approvers")]
    [InlineData("team:finance")]
    [InlineData("user:sa_alice")]
    [InlineData("sa_alice")]
    public void A_human_shaped_assignee_takes_the_task_away_from_sender_and_handler(string assignee)
    {
        Assert.False(TaskAccess.CanAnswer(Sender, null, Task("operator", assignee)));
        Assert.False(TaskAccess.CanAnswer(Handler, null, Task("operator", assignee)));
        Assert.True(TaskAccess.CanAnswer(Sender, null, Task("operator")));
    }

    [Fact]
    public void The_refusal_is_a_403_naming_the_assignees()
    {
        var e = TaskAccess.NotAnAssignee(Task("role:approvers", "bob@example.com"));
        Assert.Equal((403, "not_an_assignee"), (e.Status, e.Code));
        Assert.Contains("role:approvers, bob@example.com", e.Message, StringComparison.Ordinal);
    }
}
