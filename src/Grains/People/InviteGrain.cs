using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Notifications;
using Axme.Grains.Interfaces.People;
using Axme.Grains.Interfaces.Tenancy;
using Axme.Grains.Notifications;

namespace Axme.Grains.People;

/// <summary>Durable state of an invitation.</summary>
[GenerateSerializer, Alias("axme.invite-state")]
public sealed class InviteState
{
    [Id(0)] public InviteRecord? Invite { get; set; }
}

/// <summary>
/// One invitation (docs/adr/030). Accepting runs here, one call at a time, so a token is used once even when two
/// browsers race: the person's account, their nick and their membership are made before the invitation is marked
/// accepted, and each step is idempotent or checked first, so an acceptance a crash cut short can be tried again.
/// </summary>
public sealed class InviteGrain(
    [PersistentState(AxmeNames.InviteState, AxmeNames.Storage)] IPersistentState<InviteState> state,
    NotificationChannels channels,
    TimeProvider time) : Grain, IInviteGrain
{
    public async Task<InviteRecord> CreateAsync(InviteRecord invite, string? emailSubject, string? emailText)
    {
        if (state.State.Invite is { } existing) return existing;
        if (emailText is not null && channels.EmailUnavailable is { } why)
            throw new ProtocolException(503, "email_unavailable", $"the invitation cannot be mailed: {why}; leave recipient_hint without an e-mail address and pass the invite_url on yourself");
        state.State.Invite = invite;
        await state.WriteStateAsync();
        if (emailText is not null && invite.Email is { } to)
            await Notifier.SendAsync(GrainFactory, $"invite:{this.GetPrimaryKeyString()}:email",
                channels.Seal(Notification.ByEmail("invite", null, [to], emailSubject ?? "You are invited", emailText)));
        return invite;
    }

    public Task<InviteRecord?> GetAsync() => Task.FromResult(state.State.Invite);

    public async Task<InviteRecord> AcceptAsync(string nick, string? displayName)
    {
        var invite = state.State.Invite ?? throw ProtocolException.NotFound("invite", "this token");
        switch (InviteStatus.At(invite, time.GetUtcNow()))
        {
            case InviteStatus.Accepted:
                throw ProtocolException.Conflict("invite_already_accepted", $"this invitation was accepted at {invite.AcceptedAt:u}");
            case InviteStatus.Expired:
                throw new ProtocolException(410, "invite_expired", $"this invitation expired at {invite.ExpiresAt:u}: ask for a new one");
        }
        var (shown, normalized) = Nicks.Parse(nick);
        if (await GrainFactory.GetGrain<INickGrain>(normalized).OwnerAsync() is not null)
            throw ProtocolException.Conflict("nick_taken", $"the nick {shown} is taken: choose another");
        var (account, created) = await GrainFactory.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(invite.OrgId, invite.WorkspaceId)).CreateServiceAccountAsync(
            new CreateServiceAccountCommand
            {
                OrgId = invite.OrgId, WorkspaceId = invite.WorkspaceId, Name = normalized[1..], DisplayName = displayName,
                CreatedByActorId = invite.CreatedBy, Kind = AccountKinds.Human, Email = invite.Email,
            });
        // The name belongs to someone already (unless it is the account a cut-short acceptance of this invitation made).
        if (!created && !(account.IsHuman && account.Nick is null && account.CreatedByActorId == invite.CreatedBy && account.Email == invite.Email))
            throw ProtocolException.Conflict("name_taken", $"{account.AgentAddress} exists: choose another nick");
        var person = await GrainFactory.GetGrain<IServiceAccountGrain>(account.ServiceAccountId).UpdateHumanAsync(new UpdateHumanCommand
        {
            Nick = shown, DisplayName = displayName,
        });
        await GrainFactory.GetGrain<IOrganizationGrain>(invite.OrgId).AddMemberAsync(new AddMemberCommand
        {
            ActorId = person.ServiceAccountId, Role = "member", WorkspaceId = invite.WorkspaceId,
        });
        state.State.Invite = invite with
        {
            Status = InviteStatus.Accepted, AcceptedAt = time.GetUtcNow(), UserId = person.ServiceAccountId, AcceptedOwnerAgent = person.AgentAddress,
            Nick = person.Nick, DisplayName = person.DisplayName,
        };
        await state.WriteStateAsync();
        await PublishAcceptedAsync(state.State.Invite);
        return state.State.Invite;
    }

    /// <summary>invite.accepted to the inviter's webhook subscriptions (PROTOCOL §9.1), one-way after the write, like inbox events.</summary>
    private Task PublishAcceptedAsync(InviteRecord invite)
    {
        var payload = Common.JsonText.Object(
            ("owner_agent", invite.OwnerAgent), ("user_id", invite.UserId), ("accepted_owner_agent", invite.AcceptedOwnerAgent), ("nick", invite.Nick),
            ("display_name", invite.DisplayName), ("org_id", invite.OrgId), ("workspace_id", invite.WorkspaceId),
            ("accepted_at", Contracts.WireTime.Format(invite.AcceptedAt!.Value)));
        return GrainFactory.GetGrain<Interfaces.Delivery.IWebhookDirectoryGrain>(Interfaces.Delivery.IWebhookDirectoryGrain.KeyFor(invite.OrgId, invite.WorkspaceId))
            .PublishOwnerEventAsync(invite.OwnerAgent, $"inv_{this.GetPrimaryKeyString()[..24]}_accepted", "invite.accepted", "axme.invites", payload, invite.AcceptedAt!.Value);
    }
}
