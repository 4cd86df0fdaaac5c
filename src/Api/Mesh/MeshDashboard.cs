using Axme.Api.Agents;
using Axme.Api.Auth;
using Axme.Api.Web;
using Axme.Api.Web.Components;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Mesh;

/// <summary>
/// The mesh in the web UI (the CLI's <c>axme mesh dashboard</c>): a one-time link made with an API key
/// (POST /v1/auth/dashboard-token) signs a browser in to /inbox/mesh, which shows the workspace's agents live (it reloads
/// itself) with kill and resume buttons, and the mesh log. The link carries the key's hash, never the key, encrypted and
/// valid for <see cref="Lifetime"/>; it is used once.
/// </summary>
public sealed class MeshDashboard(IDataProtectionProvider protection, IGrainFactory grains, ApiKeyCache keys, InboxSession session)
{
    public const string ExchangePath = "/auth/exchange";
    public const string PagePath = "/inbox/mesh";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private const int RefreshSeconds = 5;
    private const int DeadLettersShown = 20;

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector(AxmeNames.DashboardTokenPurpose).ToTimeLimitedDataProtector();

    /// <summary>POST /v1/auth/dashboard-token: a link for the request's own key (a body, if any, must be JSON and is ignored).</summary>
    public async Task<Ok<DashboardTokenResponse>> CreateTokenAsync(HttpContext http)
    {
        await Http.RequestBody.ReadAsync(http);
        var caller = ApiKeyAuthFilter.CallerOf(http);
        if (caller.ActorTokenIssuer is not null || ApiKeyAuthFilter.Token(http.Request) is not { } key)
            throw ProtocolException.Forbidden("a dashboard link is made with an API key (x-api-key), not an actor token");
        var token = _protector.Protect($"{Guid.NewGuid():N}\n{TokenHash.Of(key)}", Lifetime);
        return TypedResults.Ok(new DashboardTokenResponse
        {
            Token = token, ExpiresIn = (int)Lifetime.TotalSeconds,
            ExchangeUrl = $"{http.Request.Scheme}://{http.Request.Host}{ExchangePath}?token={Uri.EscapeDataString(token)}",
        });
    }

    /// <summary>GET /auth/exchange?token=…: signs the browser in with the link's key, once, then shows the mesh.</summary>
    public async Task<IResult> ExchangeAsync(HttpContext http)
    {
        string[]? parts = null;
        try
        {
            if (http.Request.Query["token"].ToString() is { Length: > 0 } token) parts = _protector.Unprotect(token).Split('\n');
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // expired, or not one of ours: the same page as a used one
        }
        if (parts is not [var nonce, var keyHash] || !await grains.GetGrain<IOneTimeTokenGrain>(nonce).ConsumeAsync()
            || await keys.AuthenticateAsync(keyHash) is null)
            return InboxPages.Message(http, null, "Link expired",
                "This dashboard link has expired or was already used. Run axme mesh dashboard again, or sign in with an API key.", 410);
        session.SignInByKeyHash(http, keyHash);
        return TypedResults.Redirect(PagePath);
    }

    /// <summary>GET /inbox/mesh: the signed-in key's workspace's agents and mesh log.</summary>
    public static async Task<IResult> PageAsync(HttpContext http, InboxSession session, IGrainFactory grains, DeliveryQueries deliveries,
        Deliveries.DeliveryService records)
    {
        if (await session.CallerAsync(http) is not { } caller) return InboxPages.SignInRequired(http);
        var agents = await MeshOperations.ListAsync(grains, deliveries, caller, QueryCollection.Empty, http.RequestAborted);
        var events = await MeshOperations.EventsAsync(grains, caller, QueryCollection.Empty); // the newest 50
        var dead = await records.ListAsync(caller, new QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
        {
            ["status"] = Deliveries.DeliveryRules.DeadLettered, ["limit"] = DeadLettersShown.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }), http.RequestAborted);
        return new RazorComponentResult<MeshPage>(new Dictionary<string, object?>
        {
            [nameof(MeshPage.User)] = caller.AgentAddress,
            [nameof(MeshPage.Token)] = InboxPages.FormTokenOf(http),
            [nameof(MeshPage.Agents)] = agents,
            [nameof(MeshPage.Events)] = events.Events,
            [nameof(MeshPage.DeadLetters)] = dead.Deliveries,
            [nameof(MeshPage.RefreshSeconds)] = RefreshSeconds,
            [nameof(MeshPage.Notice)] = http.Request.Query["done"].ToString() is { Length: > 0 } done ? done : null,
        });
    }

    /// <summary>POST /inbox/mesh/deliveries/{delivery_id}/replay: a dead letter's payload delivered again (a form of the page).</summary>
    public static async Task<IResult> ReplayAsync(HttpContext http, string delivery_id, [Microsoft.AspNetCore.Mvc.FromForm] IFormCollection form,
        InboxSession session, Deliveries.DeliveryService records)
    {
        if (await session.CallerAsync(http) is not { } caller) return InboxPages.SignInRequired(http);
        try
        {
            // The form's own nonce as the key: a double click replays once.
            var replay = await records.ReplayAsync(caller, delivery_id, form["nonce"].ToString() is { Length: > 0 } nonce ? nonce : null, http.RequestAborted);
            return TypedResults.Redirect($"{PagePath}?done={Uri.EscapeDataString($"{delivery_id} replayed as {replay.Delivery.DeliveryId}")}");
        }
        catch (ProtocolException e) when (e.Status is >= 400 and < 500)
        {
            return InboxPages.Message(http, caller, e.Status == 404 ? "Not found" : "Not replayed", e.Message, e.Status);
        }
    }

    /// <summary>POST /inbox/mesh/{address_id}/kill|resume (a form of the page; antiforgery checked).</summary>
    public static async Task<IResult> ActAsync(HttpContext http, string address_id, string action, [Microsoft.AspNetCore.Mvc.FromForm] IFormCollection form,
        InboxSession session, IGrainFactory grains, DeliveryQueries deliveries)
    {
        if (await session.CallerAsync(http) is not { } caller) return InboxPages.SignInRequired(http);
        try
        {
            var done = action switch
            {
                "kill" => await MeshOperations.KillAsync(grains, deliveries, caller, address_id,
                    new Http.RequestBody(new System.Text.Json.Nodes.JsonObject { ["reason"] = form["reason"].ToString() is { Length: > 0 } r ? r : "killed from the mesh page" }),
                    http.RequestAborted),
                "resume" => await MeshOperations.ResumeAsync(grains, deliveries, caller, address_id, http.RequestAborted),
                _ => throw ProtocolException.NotFound("action", action),
            };
            return TypedResults.Redirect($"{PagePath}?done={Uri.EscapeDataString($"{done.Agent.Address} is {done.Agent.HealthStatus}")}");
        }
        catch (ProtocolException e) when (e.Status is >= 400 and < 500)
        {
            return InboxPages.Message(http, caller, e.Status == 404 ? "Not found" : "Not allowed", e.Message, e.Status);
        }
    }
}
