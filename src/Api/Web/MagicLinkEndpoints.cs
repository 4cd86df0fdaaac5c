using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Humans;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Web;

/// <summary>POST /v1/intents/{id}/magic-links (extension): mints a link to answer the intent's human task as one assignee.</summary>
public static class MagicLinkEndpoints
{
    private const int DefaultTtlSeconds = 86400;

    public static RouteGroupBuilder MapMagicLinkEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/intents/{intent_id}/magic-links", Create).Accepts<Contracts.MagicLinkRequest>("application/json").WithTags("Tasks").WithName("CreateMagicLink")
            .WithSummary("Mint a signed, expiring, single-use link that answers the intent's human task as one assignee (admin or sender)");
        return v1;
    }

    public static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<Contracts.MagicLinkResponse>> Create(HttpContext http, string intent_id, IGrainFactory grains, MagicLinks links)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        if (!Guid.TryParse(intent_id, out var id)) throw ProtocolException.NotFound("intent", intent_id);
        var body = await RequestBody.ReadAsync(http);
        var assignee = body.String("assignee", 320, required: true)!;
        var ttl = body.Int("ttl_seconds", 1, (int)MagicLinks.MaxTtl.TotalSeconds) ?? DefaultTtlSeconds;
        var intent = await grains.GetGrain<IIntentGrain>(id).GetAsync(caller);
        if (!caller.IsAdmin && intent.CreatedBy != caller.ServiceAccountId)
            throw ProtocolException.Forbidden("only an admin or the intent's sender may mint magic links");
        if (intent.HumanTaskJson is null || intent.IsTerminal)
            throw ProtocolException.Conflict("not_waiting_for_human", "the intent has no open human task");
        // A link answers in its assignee's name: only for someone the task names, whoever asks, admins included (ADR 017).
        if (!TaskAccess.IsListedAssignee(intent.HumanTaskJson, assignee))
            throw ProtocolException.Invalid("assignee", "assignee must be one of the task's assignees (an e-mail or user id it names)", "not_an_assignee");
        var link = links.Create(id, assignee, TimeSpan.FromSeconds(ttl), BaseUrl(http));
        return TypedResults.Ok(new Contracts.MagicLinkResponse
        {
            Url = link.Url.ToString(), IntentId = intent_id, Assignee = assignee, ExpiresAt = link.ExpiresAt,
        });
    }

    /// <summary>The request's own origin unless Axme:Api:PublicUrl is set (then the issuer uses that).</summary>
    private static Uri? BaseUrl(HttpContext http) =>
        string.IsNullOrWhiteSpace(http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiOptions>>().Value.PublicUrl)
            ? new Uri($"{http.Request.Scheme}://{http.Request.Host}/")
            : null;
}
