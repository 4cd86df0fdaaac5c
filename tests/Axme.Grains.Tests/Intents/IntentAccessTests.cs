using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Intents;

public sealed class IntentAccessTests
{
    private static readonly IntentRecord Intent =
        IntentTransitions.Create(Guid.NewGuid(), TestData.Create(TestData.Caller("acme", "ops", "sa_sender")), DateTimeOffset.UnixEpoch).Intent;

    [Fact]
    public void The_sender_reads_and_changes()
    {
        var sender = TestData.Caller("acme", "ops", "sa_sender");
        Assert.True(IntentAccess.CanRead(sender, Intent));
        Assert.True(IntentAccess.CanChange(sender, Intent));
    }

    [Fact]
    public void Another_key_of_the_workspace_reads_but_does_not_change()
    {
        var colleague = TestData.Caller("acme", "ops", "sa_colleague") with { AgentAddress = "agent://acme/ops/colleague" };
        Assert.True(IntentAccess.CanRead(colleague, Intent));
        Assert.False(IntentAccess.CanChange(colleague, Intent));
    }

    [Fact]
    public void The_handler_reads_and_changes_even_from_another_workspace()
    {
        var handler = TestData.Caller("elsewhere", "ws", "sa_handler") with { AgentAddress = Intent.ToAgent };
        Assert.True(IntentAccess.CanRead(handler, Intent));
        Assert.True(IntentAccess.CanChange(handler, Intent));
    }

    [Fact]
    public void Another_workspace_neither_reads_nor_changes_and_an_admin_does_both()
    {
        var stranger = TestData.Caller("other", "ws", "sa_x") with { AgentAddress = "agent://other/ws/x" };
        Assert.False(IntentAccess.CanRead(stranger, Intent));
        Assert.False(IntentAccess.CanChange(stranger, Intent));
        var admin = stranger with { IsAdmin = true };
        Assert.True(IntentAccess.CanRead(admin, Intent));
        Assert.True(IntentAccess.CanChange(admin, Intent));
    }
}
