using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Notifications;
using Axme.Grains.Interfaces.People;
using Axme.Grains.Notifications;

namespace Axme.Grains.People;

/// <summary>Durable state of a CLI sign-in.</summary>
[GenerateSerializer, Alias("axme.login-grant-state")]
public sealed class LoginGrantState
{
    [Id(0)] public LoginGrantRecord? Grant { get; set; }
}

/// <summary>
/// One CLI sign-in (docs/adr/027): pending until approved (code, link or approval page), then picked up once; a grant
/// past its time, denied, or given five wrong codes is over. The e-mail goes out through the notification deliveries
/// (retried, its body sealed as ADR 017 §7 seals magic links).
/// </summary>
public sealed class LoginGrantGrain(
    [PersistentState(AxmeNames.LoginGrantState, AxmeNames.Storage)] IPersistentState<LoginGrantState> state,
    NotificationChannels channels,
    TimeProvider time) : Grain, ILoginGrantGrain
{
    public async Task<LoginGrantRecord> StartAsync(LoginGrantRecord grant, string? emailSubject, string? emailText)
    {
        if (state.State.Grant is { } existing) return existing;
        if (grant.Kind == "email" && channels.EmailUnavailable is { } why)
            throw new ProtocolException(503, "email_unavailable", $"e-mail sign-in is off: {why}; sign in with `axme login --browser` or a password");
        state.State.Grant = grant;
        await state.WriteStateAsync();
        if (emailText is not null && grant.Email is { } to)
            await Notifier.SendAsync(GrainFactory, $"login:{grant.GrantId}:email",
                channels.Seal(Notification.ByEmail("sign_in", null, [to], emailSubject ?? "Your Axme sign-in", emailText)));
        return grant;
    }

    public Task<LoginGrantRecord?> GetAsync() => Task.FromResult(state.State.Grant);

    public async Task<(string Outcome, LoginGrantRecord? Grant)> VerifyCodeAsync(string codeHash)
    {
        if (state.State.Grant is not { CodeHash: not null } g) return ("invalid", null);
        switch (LoginGrantStates.At(g, time.GetUtcNow()))
        {
            case LoginGrantStates.Expired or LoginGrantStates.Denied: return (LoginGrantStates.Expired, null);
            case LoginGrantStates.Consumed: return ("used", null); // approved by the link and not yet picked up: the code still may
        }
        if (!string.Equals(g.CodeHash, codeHash, StringComparison.Ordinal))
        {
            var attempts = g.Attempts + 1;
            state.State.Grant = g with { Attempts = attempts, State = attempts >= LoginGrantStates.MaxAttempts ? LoginGrantStates.Denied : g.State };
            await state.WriteStateAsync();
            return (attempts >= LoginGrantStates.MaxAttempts ? LoginGrantStates.Expired : "invalid", null);
        }
        state.State.Grant = g with { State = LoginGrantStates.Consumed, ApprovedEmail = g.Email };
        await state.WriteStateAsync();
        return (LoginGrantStates.Approved, state.State.Grant);
    }

    public async Task<LoginGrantRecord> ApproveAsync(string email, string accountId, string? linkHash)
    {
        var g = state.State.Grant ?? throw ProtocolException.NotFound("login", this.GetPrimaryKeyString());
        if (LoginGrantStates.At(g, time.GetUtcNow()) != LoginGrantStates.Pending)
            throw ProtocolException.Conflict("login_not_pending", $"this sign-in is {LoginGrantStates.At(g, time.GetUtcNow())}: start a new one");
        if (g.Kind == "email" && (linkHash is null || !string.Equals(g.LinkHash, linkHash, StringComparison.Ordinal) || g.Email != email))
            throw ProtocolException.Forbidden("this link does not approve that sign-in");
        state.State.Grant = g with { State = LoginGrantStates.Approved, ApprovedEmail = email, ApprovedAccountId = accountId };
        await state.WriteStateAsync();
        return state.State.Grant;
    }

    public async Task<LoginGrantRecord> DenyAsync()
    {
        var g = state.State.Grant ?? throw ProtocolException.NotFound("login", this.GetPrimaryKeyString());
        if (LoginGrantStates.At(g, time.GetUtcNow()) != LoginGrantStates.Pending) return g;
        state.State.Grant = g with { State = LoginGrantStates.Denied };
        await state.WriteStateAsync();
        return state.State.Grant;
    }

    public async Task<bool> ConsumeAsync()
    {
        if (state.State.Grant is not { } g || LoginGrantStates.At(g, time.GetUtcNow()) != LoginGrantStates.Approved) return false;
        state.State.Grant = g with { State = LoginGrantStates.Consumed };
        await state.WriteStateAsync();
        return true;
    }
}
