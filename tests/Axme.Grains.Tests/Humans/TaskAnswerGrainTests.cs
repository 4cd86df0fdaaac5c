using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Humans;

/// <summary>The intent grain enforces TaskAccess with the human user's roles as its account holds them at the time of the answer.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TaskAnswerGrainTests(ClusterFixture fx)
{
    private readonly string _org = TestData.NewName("org");
    private readonly string _workspace = TestData.NewName("ws");

    [Fact]
    public async Task A_user_answers_only_while_it_holds_the_assigned_role_and_a_refusal_writes_nothing()
    {
        var sender = TestData.Caller(_org, _workspace, "sa_sender");
        var (user, created) = await (await TestData.WorkspaceAsync(fx.Client, _org, _workspace))
            .CreateServiceAccountAsync(new CreateServiceAccountCommand
            {
                OrgId = _org, WorkspaceId = _workspace, Name = "dana", CreatedByActorId = "sa_admin",
                Kind = AccountKinds.Human, Email = "dana@example.com", Roles = ["viewers"],
            });
        Assert.True(created);
        var account = fx.Client.GetGrain<IServiceAccountGrain>(user.ServiceAccountId);
        var key = await account.CreateKeyAsync(null);
        var dana = await fx.Client.GetGrain<IApiKeyGrain>(TokenHash.Of(key.Token)).AuthenticateAsync();
        Assert.True(dana!.IsHuman);

        var grain = fx.Client.GetGrain<IIntentGrain>(Guid.NewGuid());
        await grain.CreateAsync(TestData.Create(sender, humanTaskJson: """{"title": "Refund?", "assignees": ["role:approvers"]}""")
            with { ToAgent = $"agent://{_org}/{_workspace}/billing" }); // its own workspace: no receive policy in play
        var before = await grain.GetEventsAsync(sender, 0);

        var refused = await Assert.ThrowsAsync<ProtocolException>(() => grain.DecideApprovalAsync(dana, approve: true, "ok", null));
        Assert.Equal((403, "not_an_assignee"), (refused.Status, refused.Code));
        var senderRefused = await Assert.ThrowsAsync<ProtocolException>(() => grain.ResumeAsync(sender, Answer("approved"), null));
        Assert.Equal(403, senderRefused.Status); // a human-shaped assignee takes the task away from the sender
        Assert.Equal(before.Count, (await grain.GetEventsAsync(sender, 0)).Count);
        Assert.Equal(IntentStatus.Waiting, (await grain.GetAsync(sender)).Status);

        await account.UpdateHumanAsync(new UpdateHumanCommand { Roles = ["viewers", "approvers"] });
        var answered = await grain.ResumeAsync(dana, Answer("approved"), null);

        Assert.Equal(IntentStatus.Completed, answered.Intent.Status);
        Assert.Equal(dana.AgentAddress, answered.Event!.Actor);
    }

    [Fact]
    public async Task Only_human_accounts_take_a_profile_update()
    {
        var (agent, _) = await (await TestData.WorkspaceAsync(fx.Client, _org, _workspace))
            .CreateServiceAccountAsync(new CreateServiceAccountCommand { OrgId = _org, WorkspaceId = _workspace, Name = "bot", CreatedByActorId = "sa_admin" });
        Assert.Equal(AccountKinds.Agent, agent.Kind);
        var e = await Assert.ThrowsAsync<ProtocolException>(() =>
            fx.Client.GetGrain<IServiceAccountGrain>(agent.ServiceAccountId).UpdateHumanAsync(new UpdateHumanCommand { Roles = ["approvers"] }));
        Assert.Equal(404, e.Status);
    }

    private static ResumeCommand Answer(string outcome) =>
        new() { Kind = ResumeKind.TaskResult, BodyJson = $$"""{"outcome": "{{outcome}}"}""" };
}
