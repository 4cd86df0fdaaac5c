using Axme.Api.Sessions;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;
using Microsoft.AspNetCore.Mvc;

namespace Axme.Api.Web;

/// <summary>
/// The pages that approve a CLI sign-in (docs/adr/027): the browser flow's (a person signed in to the inbox compares the
/// code and approves or denies) and the e-mailed link's (the link proves the address; a button, not the GET, approves,
/// so a mail scanner following links approves nothing).
/// </summary>
public static class LoginApprovalPages
{
    public static void Map(RouteGroupBuilder inbox)
    {
        inbox.MapGet("/login/cli", ShowBrowser);
        inbox.MapPost("/login/cli", DecideBrowser).RequireRateLimiting(InboxRateLimit.Name);
        inbox.MapGet("/login/email/{grant_id}", ShowEmail);
        inbox.MapPost("/login/email/{grant_id}", ApproveEmail).RequireRateLimiting(InboxRateLimit.Name);
    }

    public static async Task<IResult> ShowBrowser(HttpContext http, InboxSession session, IGrainFactory grains, TimeProvider time)
    {
        if (await session.CallerAsync(http) is not { IsHuman: true } caller)
            return InboxPages.SignInRequired(http, http.Request.Path + http.Request.QueryString);
        if (await PendingBrowserAsync(http, grains, time) is not { } grant) return Gone(http, caller);
        return InboxPages.Render<Components.LoginApprovalPage>(new()
        {
            [nameof(Components.LoginApprovalPage.Token)] = InboxPages.FormTokenOf(http),
            [nameof(Components.LoginApprovalPage.Question)] = $"The command line asks to sign in as you ({caller.AgentAddress}).",
            [nameof(Components.LoginApprovalPage.Action)] = CliSignIn.ApprovalPath,
            [nameof(Components.LoginApprovalPage.Fields)] = new Dictionary<string, string> { ["grant"] = grant.GrantId, ["code"] = grant.UserCode! },
            [nameof(Components.LoginApprovalPage.UserCode)] = grant.UserCode,
            [nameof(Components.LoginApprovalPage.User)] = caller.AgentAddress,
            [nameof(Components.LoginApprovalPage.CanDeny)] = true,
        });
    }

    public static async Task<IResult> DecideBrowser(HttpContext http, [FromForm] IFormCollection form, InboxSession session, IGrainFactory grains,
        SessionOperations sessions, TimeProvider time)
    {
        if (await session.CallerAsync(http) is not { IsHuman: true } caller) return InboxPages.SignInRequired(http, CliSignIn.ApprovalPath);
        var grantId = form["grant"].ToString();
        if (!CliSignIn.IsGrantId(grantId)) return Gone(http, caller);
        var grain = grains.GetGrain<ILoginGrantGrain>(grantId);
        if (await grain.GetAsync() is not { Kind: "browser" } grant || grant.UserCode != form["code"].ToString()
            || LoginGrantStates.At(grant, time.GetUtcNow()) != LoginGrantStates.Pending)
            return Gone(http, caller);
        var audit = http.RequestServices.GetRequiredService<Audit.AuditLog>();
        var approve = form["decision"].ToString() == "approve";
        await audit.RecordAsync(http, caller, new Audit.AuditEntry(approve ? "auth.cli_grant.approve" : "auth.cli_grant.deny", "succeeded",
            caller.OrgId, caller.WorkspaceId, "login", grant.GrantId));
        if (!approve)
        {
            await grain.DenyAsync();
            return InboxPages.Message(http, caller, "Sign-in denied", "The command line was not signed in. If you did not start it, nothing else is needed.", 200);
        }
        await grain.ApproveAsync(await sessions.PersonOfAsync(caller), caller.ServiceAccountId, null);
        return InboxPages.Message(http, caller, "Signed in", "The command line is signed in as you. You can close this page and return to your terminal.", 200);
    }

    public static async Task<IResult> ShowEmail(HttpContext http, string grant_id, IGrainFactory grains, TimeProvider time)
    {
        if (await PendingEmailAsync(grains, grant_id, http.Request.Query["token"].ToString(), time) is not { } grant) return Gone(http, null);
        return InboxPages.Render<Components.LoginApprovalPage>(new()
        {
            [nameof(Components.LoginApprovalPage.Token)] = InboxPages.FormTokenOf(http),
            [nameof(Components.LoginApprovalPage.Question)] = $"The command line asks to sign in as {grant.Email}.",
            [nameof(Components.LoginApprovalPage.Action)] = $"{CliSignIn.EmailLinkPath}{grant.GrantId}",
            [nameof(Components.LoginApprovalPage.Fields)] = new Dictionary<string, string> { ["token"] = http.Request.Query["token"].ToString() },
        });
    }

    public static async Task<IResult> ApproveEmail(HttpContext http, string grant_id, [FromForm] IFormCollection form, IGrainFactory grains,
        SessionOperations sessions, TimeProvider time)
    {
        var token = form["token"].ToString();
        if (await PendingEmailAsync(grains, grant_id, token, time) is not { } grant
            || await sessions.FirstAccountAsync(grant.Email!) is not { } account)
            return Gone(http, null);
        await grains.GetGrain<ILoginGrantGrain>(grant.GrantId).ApproveAsync(grant.Email!, account.ServiceAccountId, CliSignIn.LinkHash(token));
        return InboxPages.Message(http, null, "Signed in", "The command line is signed in. You can close this page and return to your terminal.", 200);
    }

    private static async Task<LoginGrantRecord?> PendingBrowserAsync(HttpContext http, IGrainFactory grains, TimeProvider time)
    {
        var id = http.Request.Query["grant"].ToString();
        if (!CliSignIn.IsGrantId(id)) return null;
        var grant = await grains.GetGrain<ILoginGrantGrain>(id).GetAsync();
        return grant is { Kind: "browser" } && grant.UserCode == http.Request.Query["code"].ToString()
               && LoginGrantStates.At(grant, time.GetUtcNow()) == LoginGrantStates.Pending ? grant : null;
    }

    private static async Task<LoginGrantRecord?> PendingEmailAsync(IGrainFactory grains, string grantId, string token, TimeProvider time)
    {
        if (token.Length == 0 || !CliSignIn.IsGrantId(grantId)) return null;
        var grant = await grains.GetGrain<ILoginGrantGrain>(grantId).GetAsync();
        return grant is { Kind: "email" } && grant.LinkHash == CliSignIn.LinkHash(token)
               && LoginGrantStates.At(grant, time.GetUtcNow()) == LoginGrantStates.Pending ? grant : null;
    }

    private static IResult Gone(HttpContext http, Caller? caller) =>
        InboxPages.Message(http, caller, "Sign-in not found", "This sign-in is not waiting any more (approved, denied or expired) or the link is incomplete: run axme login again.", 410);
}
