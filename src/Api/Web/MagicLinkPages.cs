using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Humans;
using Axme.Grains.Interfaces.Intents;
using Microsoft.AspNetCore.Mvc;

namespace Axme.Api.Web;

/// <summary>
/// A task opened from a magic link: no session, only that one task, answered once as the link's assignee.
/// A forged or altered link is 400, an expired or used one 410, a task that no longer waits 409: each a
/// page saying so, and none of them touches the intent.
/// </summary>
public static class MagicLinkPages
{
    public static async Task<IResult> Show(HttpContext http, string token, MagicLinks links, IGrainFactory grains)
    {
        var (claim, refusal) = await CheckAsync(http, token, links, grains);
        if (refusal is not null) return refusal;
        var grain = grains.GetGrain<IIntentGrain>(claim!.IntentId);
        var intent = await grain.GetAsync(Caller.System);
        if (Waits(intent) is { } notWaiting) return notWaiting(http);
        return await InboxPages.TaskPageAsync(http, intent, await grain.GetEventsAsync(Caller.System, 0), MagicLinks.PathPrefix + token, null, claim.Assignee);
    }

    public static async Task<IResult> Answer(HttpContext http, string token, [FromForm] IFormCollection form, MagicLinks links, IGrainFactory grains)
    {
        var (claim, refusal) = await CheckAsync(http, token, links, grains);
        if (refusal is not null) return refusal;
        var grain = grains.GetGrain<IIntentGrain>(claim!.IntentId);
        var intent = await grain.GetAsync(Caller.System);
        if (Waits(intent) is { } notWaiting) return notWaiting(http);
        try
        {
            var done = await InboxPages.AnswerWithFilesAsync(http, intent, claim.Assignee, "magic-link", form, answer =>
                grains.GetGrain<IMagicLinkGrain>(claim.Nonce).RedeemAsync(claim.IntentId, claim.Assignee, answer));
            return InboxPages.Message(http, null, "Thank you", $"Your answer was recorded. The intent is now {done.Intent.Status}.", 200);
        }
        catch (ProtocolException e) when (e.Status == 422)
        {
            return await InboxPages.TaskPageAsync(http, intent, await grain.GetEventsAsync(Caller.System, 0), MagicLinks.PathPrefix + token, null, claim.Assignee, e, form);
        }
        catch (ProtocolException e) when (e.Code == "magic_link_used")
        {
            return Used(http);
        }
        catch (ProtocolException e) when (e.Status is >= 400 and < 500)
        {
            return InboxPages.Message(http, null, "Not answered", e.Message, e.Status);
        }
    }

    /// <summary>The claim of a usable link, or the page that refuses it.</summary>
    private static async Task<(MagicLinkClaim?, IResult?)> CheckAsync(HttpContext http, string token, MagicLinks links, IGrainFactory grains)
    {
        var (claim, refusal) = links.Read(token);
        if (refusal == "invalid")
            return (null, InboxPages.Message(http, null, "Invalid link", "This link is not valid. It may have been altered or copied incompletely; ask for a new one.", 400));
        if (refusal == "expired")
            return (null, InboxPages.Message(http, null, "Link expired", $"This link expired at {Display.Time(claim!.ExpiresAt)}. Ask for a new one.", 410));
        if (await grains.GetGrain<IMagicLinkGrain>(claim!.Nonce).GetUseAsync() is not null) return (null, Used(http));
        return (claim, null);
    }

    private static IResult Used(HttpContext http) =>
        InboxPages.Message(http, null, "Link already used", "This link has already been used; a link answers its task once.", 410);

    private static Func<HttpContext, IResult>? Waits(IntentRecord intent) =>
        intent.HumanTaskJson is not null && intent.Status == IntentStatus.Waiting && intent.WaitingReason == WaitingReason.Human
            ? null
            : http => InboxPages.Message(http, null, "Nothing to answer", $"This task no longer waits for an answer (the intent is {intent.Status}).", 409);
}
