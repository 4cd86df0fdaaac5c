using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Client;

public sealed partial class AxmeClient
{
    // ---- people signing in and their sessions (PROTOCOL §3.4, §11.2; docs/adr/027) ----

    /// <summary>Signs a person in with e-mail address and password (POST /v1/auth/login, no key needed).</summary>
    /// <param name="email">Their address.</param>
    /// <param name="password">Their password.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<SessionGrant> LoginAsync(string email, string password, CancellationToken ct = default) =>
        ContractJson.Read<SessionGrant>(await PostAsync("v1/auth/login",
            JsonSerializer.SerializeToNode(new PasswordSignInRequest { Email = email, Password = password }, AxpJson.Info<PasswordSignInRequest>()), ct));

    /// <summary>Sets a person's password and signs them in (POST /v1/auth/register-password: the person, or an admin key).</summary>
    /// <param name="email">Their address.</param>
    /// <param name="password">The new password (10-256 characters).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<SessionGrant> RegisterPasswordAsync(string email, string password, CancellationToken ct = default) =>
        ContractJson.Read<SessionGrant>(await PostAsync("v1/auth/register-password",
            JsonSerializer.SerializeToNode(new PasswordSignInRequest { Email = email, Password = password }, AxpJson.Info<PasswordSignInRequest>()), ct));

    /// <summary>Starts an e-mail sign-in: a code and an approval link go to the address (POST /v1/auth/login-intent).</summary>
    /// <param name="email">The person's address.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<LoginPending> StartEmailLoginAsync(string email, CancellationToken ct = default) =>
        ContractJson.Read<LoginPending>(await PostAsync("v1/auth/login-intent",
            JsonSerializer.SerializeToNode(new LoginIntentRequest { Email = email }, AxpJson.Info<LoginIntentRequest>()), ct));

    /// <summary>Finishes an e-mail sign-in with its code: a session and an API key (POST /v1/auth/login-intent/{id}/verify).</summary>
    /// <param name="intentId">The sign-in.</param>
    /// <param name="code">The six-digit code of the e-mail.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<SessionGrant> VerifyEmailLoginAsync(string intentId, string code, CancellationToken ct = default) =>
        ContractJson.Read<SessionGrant>(await PostAsync($"v1/auth/login-intent/{Seg(intentId)}/verify",
            JsonSerializer.SerializeToNode(new LoginVerifyRequest { Code = code }, AxpJson.Info<LoginVerifyRequest>()), ct));

    /// <summary>Starts a browser sign-in: a code and the approval page (POST /v1/auth/cli-grants).</summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<LoginPending> StartBrowserLoginAsync(CancellationToken ct = default) =>
        ContractJson.Read<LoginPending>(await SendAsync(HttpMethod.Post, "v1/auth/cli-grants", null, null, ct));

    /// <summary>
    /// A CLI sign-in's state (GET /v1/auth/cli-grants/{id}): null while pending, the grant once approved (picked up:
    /// only once); <see cref="AxmeException"/> 410 when it expired or was picked up, and "denied" as a grant-less state.
    /// </summary>
    /// <param name="grantId">The sign-in.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<(string State, SessionGrant? Grant)> PollLoginAsync(string grantId, CancellationToken ct = default)
    {
        var body = await GetAsync($"v1/auth/cli-grants/{Seg(grantId)}", ct);
        var state = body["state"]?.GetValue<string>() ?? "pending";
        return (state, state == "approved" ? ContractJson.Read<SessionGrant>(body) : null);
    }

    /// <summary>Spends a refresh token for a new access token and the next refresh token (POST /v1/auth/refresh).</summary>
    /// <param name="refreshToken">The session's refresh token.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<RefreshResponse> RefreshSessionAsync(string refreshToken, CancellationToken ct = default) =>
        ContractJson.Read<RefreshResponse>(await PostAsync("v1/auth/refresh",
            JsonSerializer.SerializeToNode(new RefreshRequest { RefreshToken = refreshToken }, AxpJson.Info<RefreshRequest>()), ct));

    /// <summary>Ends the session of the client's access token (POST /v1/auth/logout).</summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<SessionsRevoked> LogoutAsync(CancellationToken ct = default) =>
        ContractJson.Read<SessionsRevoked>(await SendAsync(HttpMethod.Post, "v1/auth/logout", null, null, ct));

    /// <summary>Ends every session of the person (POST /v1/auth/logout-all).</summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<SessionsRevoked> LogoutAllAsync(CancellationToken ct = default) =>
        ContractJson.Read<SessionsRevoked>(await SendAsync(HttpMethod.Post, "v1/auth/logout-all", new JsonObject(), null, ct));

    /// <summary>The person's sessions, newest first (GET /v1/auth/sessions).</summary>
    /// <param name="includeRevoked">Ended ones too.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<AccountSessionList> ListSessionsAsync(bool includeRevoked = false, CancellationToken ct = default) =>
        ContractJson.Read<AccountSessionList>(await GetAsync("v1/auth/sessions" + (includeRevoked ? "?include_revoked=true" : ""), ct));

    /// <summary>Ends one of the person's sessions (POST /v1/auth/sessions/revoke).</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<SessionsRevoked> RevokeSessionAsync(string sessionId, CancellationToken ct = default) =>
        ContractJson.Read<SessionsRevoked>(await PostAsync("v1/auth/sessions/revoke",
            JsonSerializer.SerializeToNode(new SessionRevokeRequest { SessionId = sessionId }, AxpJson.Info<SessionRevokeRequest>()), ct));

    /// <summary>The person's organizations and workspaces and the one the request acts in (GET /v1/portal/personal/context).</summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<PersonalContext> GetPersonalContextAsync(CancellationToken ct = default) =>
        ContractJson.Read<PersonalContext>(await GetAsync("v1/portal/personal/context", ct));

    /// <summary>Makes the session act in another of the person's workspaces (POST /v1/portal/personal/workspace-selection).</summary>
    /// <param name="orgId">The organization.</param>
    /// <param name="workspaceId">The workspace.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<PersonalContext> SelectWorkspaceAsync(string orgId, string workspaceId, CancellationToken ct = default) =>
        ContractJson.Read<PersonalContext>(await PostAsync("v1/portal/personal/workspace-selection",
            JsonSerializer.SerializeToNode(new WorkspaceSelectionRequest { OrgId = orgId, WorkspaceId = workspaceId }, AxpJson.Info<WorkspaceSelectionRequest>()), ct));
}
