using Axme.Api.Errors;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Tenancy;
using Axme.Api.Sessions;

namespace Axme.Api.Auth;

/// <summary>
/// Authenticates every /v1 request by its API key (x-api-key, or Authorization: Bearer when no x-api-key is sent). The
/// key is looked up by its hash in its ApiKeyGrain, through this silo's ApiKeyCache, which the grain tells to forget the
/// key before a revoke returns: a revoke on any node is seen by all nodes at once. An actor token in the bearer
/// (ActorTokens) makes the request act as that human user: alone, or on top of a key of the user's workspace (or an
/// admin key).
/// </summary>
public sealed class ApiKeyAuthFilter(IGrainFactory grains, ApiKeyCache keys, ActorTokens actorTokens, Sessions.SessionTokens sessions,
    AuthFailureLimiter failures, TenantGate tenants, QuotaGate quotas)
    : IEndpointFilter
{
    private const string CallerItem = "axme.caller";
    private const string TokenHashItem = "axme.key-hash";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var refused = await AuthenticateAsync(context.HttpContext);
        if (refused is null) return await next(context);
        if (refused.Details?.GetValueOrDefault("retry_after") is { } after) context.HttpContext.Response.Headers.RetryAfter = after;
        return ErrorBody.Result(refused.Status, refused.Code, refused.Message, refused.Details);
    }

    /// <summary>
    /// Authenticates a request and remembers its caller (CallerOf); null on success, else why it was
    /// refused. Shared by the /v1 filter and the MCP endpoint, which words the refusal as JSON-RPC.
    /// </summary>
    public async Task<ProtocolException?> AuthenticateAsync(HttpContext http)
    {
        if (failures.Refusal(http) is { } tooMany) return tooMany;
        var refused = await CheckAsync(http);
        if (refused is { Status: 401 }) failures.Failed(http);
        return refused;
    }

    private async Task<ProtocolException?> CheckAsync(HttpContext http)
    {
        var bearer = Bearer(http.Request);
        if (bearer is not null && bearer.StartsWith(ActorTokens.Prefix, StringComparison.Ordinal))
        {
            var claim = actorTokens.Read(bearer);
            var user = claim is { } c ? await grains.GetGrain<IServiceAccountGrain>(c.UserId).GetAsync() : null;
            return await PersonAsync(http, user, "invalid_actor_token", "invalid or expired actor token", u => ActorTokens.CallerFor(u, claim!.Value.IssuerId));
        }
        if (bearer is not null && SessionTokens.LooksLikeAccessToken(bearer))
        {
            // A person's session (docs/adr/027): the token names the session, the session names the account it acts as now.
            var (sessionId, refusal) = await sessions.ReadAsync(bearer);
            var user = sessionId is null ? null : await sessions.ActingAccountAsync(sessionId);
            return await PersonAsync(http, user, refusal ?? "invalid_actor_token",
                refusal == "token_expired" ? "the access token expired: refresh it (POST /v1/auth/refresh)" : "invalid, expired or revoked session",
                u => ActorTokens.CallerFor(u) with { SessionId = sessionId, KeyId = "session" });
        }
        var token = Token(http.Request);
        if (token is null)
            return new ProtocolException(401, "missing_platform_api_key", "missing platform api key",
                new Dictionary<string, string> { ["header"] = "x-api-key" });
        var caller = await keys.AuthenticateAsync(HashOf(http, token));
        if (caller is null)
            return new ProtocolException(401, "invalid_platform_api_key", "invalid platform api key",
                new Dictionary<string, string> { ["header"] = "x-api-key" });
        // A killed agent (the mesh) may only say it is alive: nothing to or from it until an operator resumes it.
        if (caller.AgentKilled && !(HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals(Mesh.MeshEndpoints.HeartbeatPath, StringComparison.Ordinal)))
            return new ProtocolException(403, "agent_killed",
                $"{caller.AgentAddress} is killed by an operator: only its heartbeat is accepted until it is resumed (POST /v1/mesh/agents/{{id}}/resume)");
        // A suspended or archived workspace or organization (docs/adr/026): its keys are refused; admin keys act anywhere.
        if (!caller.IsAdmin)
        {
            var (closed, acting) = await WorkspaceAsync(caller);
            if (closed is not null) return closed;
            caller = acting;
        }
        http.Items[CallerItem] = caller;
        return null;
    }

    /// <summary>
    /// A request acting as a person (actor token or session): the user must be a live human user; a key sent beside the
    /// bearer must be one of the user's workspace (or an admin key); the workspace must let its keys act.
    /// </summary>
    private async Task<ProtocolException?> PersonAsync(HttpContext http, ServiceAccountRecord? user, string code, string message, Func<ServiceAccountRecord, Caller> caller)
    {
        if (user is not { Status: "active", IsHuman: true })
            return new ProtocolException(401, code, message, new Dictionary<string, string> { ["header"] = "authorization" });
        var keyToken = http.Request.Headers["x-api-key"].ToString().Trim();
        if (keyToken.Length > 0)
        {
            var machine = await keys.AuthenticateAsync(TokenHash.Of(keyToken));
            if (machine is null)
                return new ProtocolException(401, "invalid_platform_api_key", "invalid platform api key",
                    new Dictionary<string, string> { ["header"] = "x-api-key" });
            if (!machine.CanAccess(user.OrgId, user.WorkspaceId))
                return ProtocolException.Forbidden("the actor token's user is not in the key's workspace");
        }
        var (closed, acting) = await WorkspaceAsync(caller(user));
        if (closed is not null) return closed;
        http.Items[CallerItem] = acting;
        return null;
    }

    /// <summary>The raw credential of a request, or null.</summary>
    public static string? Token(HttpRequest request)
    {
        var key = request.Headers["x-api-key"].ToString();
        return !string.IsNullOrWhiteSpace(key) ? key.Trim() : Bearer(request);
    }

    private static string? Bearer(HttpRequest request)
    {
        var auth = request.Headers.Authorization.ToString();
        return auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && auth.Length > 7 ? auth[7..].Trim() : null;
    }

    /// <summary>
    /// What the caller's workspace says of it, from one read of the per-silo TenantGate (no grain call): why it may not
    /// act now — the workspace or its organization is closed (403), or it made more requests this minute than its quota
    /// allows (429 quota_exceeded, docs/adr/029) — else the caller, marked when its person manages the workspace (ADR 030).
    /// </summary>
    private async ValueTask<(ProtocolException? Refusal, Caller Caller)> WorkspaceAsync(Caller caller)
    {
        var access = await tenants.AccessAsync(caller.OrgId, caller.WorkspaceId);
        if ((TenantGate.Refusal(access, caller.OrgId, caller.WorkspaceId) ?? quotas.Request(caller.OrgId, caller.WorkspaceId, access)) is { } refusal)
            return (refusal, caller);
        return (null, caller.IsHuman && access?.Managers?.Contains(caller.ServiceAccountId) == true ? caller with { ManagesWorkspace = true } : caller);
    }

    /// <summary>
    /// The SHA-256 of the request's key, hashed once per request: the rate limiter's partition (which runs first) and
    /// the key check both need it.
    /// </summary>
    public static string HashOf(HttpContext http, string token)
    {
        if (http.Items[TokenHashItem] is KeyHash { } kept && kept.Token == token) return kept.Hash;
        var hash = TokenHash.Of(token);
        http.Items[TokenHashItem] = new KeyHash(token, hash);
        return hash;
    }

    private sealed record KeyHash(string Token, string Hash);

    /// <summary>The caller when the request was authenticated, else null.</summary>
    public static Caller? CallerOrNull(HttpContext http) => http.Items[CallerItem] as Caller;

    /// <summary>The authenticated caller of the current request.</summary>
    public static Caller CallerOf(HttpContext http) =>
        http.Items[CallerItem] as Caller ?? throw new InvalidOperationException("endpoint is not behind ApiKeyAuthFilter");
}
