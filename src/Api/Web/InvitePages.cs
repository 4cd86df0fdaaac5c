using Axme.Api.Humans;
using Axme.Api.Sessions;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Axme.Api.Web;

/// <summary>
/// The page an invitation's link opens (docs/adr/030): the person chooses a nick (and, invited by e-mail, a password)
/// and accepts; with a password they are signed in to the inbox at once. A button, not the GET, accepts, so a mail
/// scanner following the link accepts nothing.
/// </summary>
public static class InvitePages
{
    public static void Map(RouteGroupBuilder inbox)
    {
        inbox.MapGet("/invite/{token}", Show);
        inbox.MapPost("/invite/{token}", Accept).RequireRateLimiting(InboxRateLimit.Name);
    }

    public static async Task<IResult> Show(HttpContext http, string token, IGrainFactory grains, TimeProvider time) =>
        await PendingAsync(grains, token, time) is { } invite ? Form(http, token, invite, null, null, null, 200) : Gone(http);

    public static async Task<IResult> Accept(HttpContext http, string token, [FromForm] IFormCollection form, IGrainFactory grains, TimeProvider time,
        IOptions<ApiOptions> options, Audit.AuditLog audit, SessionOperations sessions, InboxSession session)
    {
        if (await PendingAsync(grains, token, time) is not { } invite) return Gone(http);
        var (nick, name, password) = (form["nick"].ToString().Trim(), form["display_name"].ToString().Trim(), form["password"].ToString());
        if (invite.Email is not null && password.Length > 0 && password.Length is < SessionOperations.MinPasswordLength or > SessionOperations.MaxPasswordLength)
            return Form(http, token, invite, $"The password must be {SessionOperations.MinPasswordLength}-{SessionOperations.MaxPasswordLength} characters.", nick, name, 422);
        Contracts.InviteAccepted accepted;
        try
        {
            accepted = await InviteEndpoints.AcceptAsync(http, grains, options.Value, audit, token, nick, name);
        }
        catch (ProtocolException e) when (e.Status is 409 or 422)
        {
            return Form(http, token, invite, e.Message, nick, name, e.Status);
        }
        if (invite.Email is { } email && password.Length > 0
            && await grains.GetGrain<IServiceAccountGrain>(accepted.UserId).GetAsync() is { } account)
        {
            // The invitation was mailed to this address and its link followed: the address is proven, as an e-mail sign-in proves it.
            var grant = await sessions.SetPasswordAsync(http, email, password, account, "invite");
            session.SignInSession(http, grant.SessionId);
            return TypedResults.Redirect("/inbox");
        }
        return InboxPages.Message(http, null, "Welcome",
            $"You are {accepted.Nick} ({accepted.OwnerAgent}) in {invite.OrgId}/{invite.WorkspaceId}. " +
            (invite.Email is null ? "Ask the person who invited you for a way to sign in." : "Sign in to the inbox once you have a password (axme login sends a code to your e-mail)."),
            200);
    }

    private static async Task<InviteRecord?> PendingAsync(IGrainFactory grains, string token, TimeProvider time) =>
        await InviteEndpoints.FindAsync(grains, token) is { } invite && InviteStatus.At(invite, time.GetUtcNow()) == InviteStatus.Pending ? invite : null;

    private static IResult Form(HttpContext http, string token, InviteRecord invite, string? error, string? nick, string? name, int status) =>
        InboxPages.Render<Components.InvitePage>(new()
        {
            [nameof(Components.InvitePage.Token)] = InboxPages.FormTokenOf(http),
            [nameof(Components.InvitePage.Inviter)] = invite.OwnerAgent,
            [nameof(Components.InvitePage.Workspace)] = $"{invite.OrgId}/{invite.WorkspaceId}",
            [nameof(Components.InvitePage.Action)] = InviteEndpoints.PagePath + token,
            [nameof(Components.InvitePage.Email)] = invite.Email,
            [nameof(Components.InvitePage.Error)] = error,
            [nameof(Components.InvitePage.Nick)] = nick,
            [nameof(Components.InvitePage.DisplayName)] = name,
            [nameof(Components.InvitePage.MinPasswordLength)] = SessionOperations.MinPasswordLength,
        }, status);

    private static IResult Gone(HttpContext http) =>
        InboxPages.Message(http, null, "Invitation not found", "This invitation is not waiting any more (accepted or expired) or the link is incomplete: ask for a new one.", 410);
}
