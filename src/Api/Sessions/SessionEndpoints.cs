using Axme.Api.Audit;
using Axme.Api.Auth;
using Axme.Api.Hosting;
using Axme.Api.Http;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Sessions;

/// <summary>
/// People sign in and hold sessions (PROTOCOL §3.1, §3.4, §11.2; docs/adr/027). Login and refresh need no key (the
/// official CLI refreshes with none); the rest need the person (their session, actor token or key) or an admin key.
/// </summary>
public static class SessionEndpoints
{
    public static WebApplication MapSessionEndpoints(this WebApplication app)
    {
        var auth = app.MapGroup("/v1/auth").WithTags("Sessions").ProducesErrors();
        auth.MapPost("/login", Login).Accepts<PasswordSignInRequest>("application/json")
            .WithName("Login").WithSummary("Sign in with e-mail address and password: an access token (JWT, Authorization: Bearer) and a refresh token");
        auth.MapPost("/refresh", Refresh).Accepts<RefreshRequest>("application/json")
            .WithName("RefreshSession").WithSummary("Spend the refresh token for a new access token and the next refresh token");
        auth.MapPost("/login-intent", LoginIntent).Accepts<LoginIntentRequest>("application/json")
            .WithName("StartEmailLogin").WithSummary("Start a CLI sign-in by e-mail: a six-digit code and an approval link go to the person's address");
        auth.MapPost("/login-intent/{intent_id}/verify", Verify).Accepts<LoginVerifyRequest>("application/json")
            .WithName("VerifyEmailLogin").WithSummary("The e-mailed code → a session and an API key of the person's account");
        auth.MapPost("/cli-grants", StartBrowser).WithName("StartBrowserLogin")
            .WithSummary("Start a CLI sign-in in the browser: a code and the approval page (a person signed in to the web inbox approves)");
        auth.MapGet("/cli-grants/{grant_id}", Poll).WithName("PollLogin")
            .WithSummary("A CLI sign-in: pending, denied, or approved once with the session and an API key");
        var person = auth.MapGroup("").AddEndpointFilter<ApiKeyAuthFilter>();
        person.MapPost("/register-password", RegisterPassword).Accepts<PasswordSignInRequest>("application/json")
            .WithName("RegisterPassword").WithSummary("Set a person's password (the person, or an admin key) and sign them in").Audit("auth.password.set");
        person.MapPost("/logout", Logout).WithName("Logout").WithSummary("End the session of the request's access token").Audit("auth.logout");
        person.MapPost("/logout-all", LogoutAll).WithName("LogoutAll").WithSummary("End every session of the person").Audit("auth.logout_all");
        person.MapGet("/sessions", List).WithName("ListSessions").WithSummary("The person's sessions, newest first (?include_revoked=true: ended ones too)");
        person.MapPost("/sessions/revoke", Revoke).Accepts<SessionRevokeRequest>("application/json")
            .WithName("RevokeSession").WithSummary("End one of the person's sessions").Audit("auth.session.revoke");
        return app;
    }

    public static async Task<Ok<SessionGrant>> Login(HttpContext http, SessionOperations sessions) =>
        TypedResults.Ok(await sessions.LoginAsync(http, await RequestBody.ReadAsync(http)));

    public static async Task<Ok<LoginPending>> LoginIntent(HttpContext http, CliSignIn signIn) =>
        TypedResults.Ok(await signIn.StartEmailAsync(http, await RequestBody.ReadAsync(http)));

    public static async Task<Ok<SessionGrant>> Verify(HttpContext http, string intent_id, CliSignIn signIn) =>
        TypedResults.Ok(await signIn.VerifyAsync(http, intent_id, await RequestBody.ReadAsync(http)));

    public static async Task<Ok<LoginPending>> StartBrowser(HttpContext http, CliSignIn signIn)
    {
        await RequestBody.ReadAsync(http); // the CLI sends none; one that is not JSON is refused like anywhere else
        return TypedResults.Ok(await signIn.StartBrowserAsync(http));
    }

    public static async Task<Results<Ok<SessionGrant>, Ok<LoginState>>> Poll(HttpContext http, string grant_id, CliSignIn signIn) =>
        await signIn.PollAsync(http, grant_id) switch
        {
            SessionGrant grant => TypedResults.Ok(grant),
            var state => TypedResults.Ok((LoginState)state),
        };

    public static async Task<Ok<RefreshResponse>> Refresh(HttpContext http, SessionOperations sessions) =>
        TypedResults.Ok(await sessions.RefreshAsync(http, await RequestBody.ReadAsync(http)));

    public static async Task<Ok<SessionGrant>> RegisterPassword(HttpContext http, SessionOperations sessions) =>
        TypedResults.Ok(await sessions.RegisterPasswordAsync(http, ApiKeyAuthFilter.CallerOf(http), await RequestBody.ReadAsync(http)));

    public static async Task<Ok<SessionsRevoked>> Logout(HttpContext http, SessionOperations sessions)
    {
        await RequestBody.ReadAsync(http); // none is needed; one that is not JSON is refused like anywhere else
        return TypedResults.Ok(await sessions.LogoutAsync(ApiKeyAuthFilter.CallerOf(http)));
    }

    public static async Task<Ok<SessionsRevoked>> LogoutAll(HttpContext http, SessionOperations sessions)
    {
        await RequestBody.ReadAsync(http);
        return TypedResults.Ok(await sessions.LogoutAllAsync(ApiKeyAuthFilter.CallerOf(http)));
    }

    public static async Task<Ok<AccountSessionList>> List(HttpContext http, SessionOperations sessions) =>
        TypedResults.Ok(await sessions.ListAsync(ApiKeyAuthFilter.CallerOf(http), Query.String(http.Request, "include_revoked") is "true" or "1"));

    public static async Task<Ok<SessionsRevoked>> Revoke(HttpContext http, SessionOperations sessions) =>
        TypedResults.Ok(await sessions.RevokeAsync(ApiKeyAuthFilter.CallerOf(http), (await RequestBody.ReadAsync(http)).String("session_id", 64, required: true)!));
}
