using System.Security.Cryptography;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;
using Axme.Grains.Interfaces.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Axme.Api.Sessions;

/// <summary>
/// People signing in and their sessions (docs/adr/027): a person is an e-mail address carried by human user accounts
/// (one per workspace they belong to); a password and sessions belong to the person; a session acts as one of their
/// accounts at a time. Passwords are hashed with ASP.NET Core Identity's PasswordHasher (PBKDF2-HMAC-SHA512, salted).
/// </summary>
public sealed class SessionOperations(IGrainFactory grains, SessionTokens tokens, AuthFailureLimiter failures, Audit.AuditLog audit, IOptions<ApiOptions> options,
    TimeProvider time)
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;
    private static readonly PasswordHasher<string> Hasher = new();
    // Verified against when the address has no password, so an unknown address takes as long as a wrong password.
    private static readonly string DummyHash = Hasher.HashPassword("", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

    /// <summary>POST /v1/auth/login: e-mail and password → a session in the person's first workspace.</summary>
    public Task<SessionGrant> LoginAsync(HttpContext http, RequestBody body)
    {
        var (email, password) = Credentials(body);
        return PasswordSignInAsync(http, email, password, "password");
    }

    /// <summary>A sign-in by e-mail address and password (the API's, the web inbox's, the CLI approval page's).</summary>
    public async Task<SessionGrant> PasswordSignInAsync(HttpContext http, string rawEmail, string password, string method)
    {
        if (failures.Refusal(http) is { } tooMany) throw tooMany;
        var email = Persons.Key(rawEmail);
        if (email.Length == 0 || password.Length == 0) throw new ProtocolException(401, "invalid_credentials", "wrong e-mail address or password");
        var person = grains.GetGrain<IPersonGrain>(email);
        if (await person.LockedUntilAsync() is { } until)
            throw new ProtocolException(429, "too_many_attempts", "too many failed sign-ins for this address: try again later",
                new Dictionary<string, string> { ["retry_after"] = Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow()).TotalSeconds)).ToString() });
        var hash = await person.PasswordHashAsync();
        var verified = Hasher.VerifyHashedPassword("", hash ?? DummyHash, password) != PasswordVerificationResult.Failed && hash is not null;
        var account = verified ? await FirstAccountAsync(email) : null;
        if (account is null)
        {
            if (hash is not null) await person.RecordSignInAsync(false);
            failures.Failed(http);
            await audit.RecordAsync(http, null, new Audit.AuditEntry("auth.login", "refused", null, null, "person", email,
                new System.Text.Json.Nodes.JsonObject { ["method"] = method, ["code"] = "invalid_credentials" }), actor: email);
            throw new ProtocolException(401, "invalid_credentials", "wrong e-mail address or password");
        }
        await person.RecordSignInAsync(true);
        var grant = await OpenAsync(http, email, account, method);
        await audit.RecordAsync(http, ActorTokens.CallerFor(account) with { SessionId = grant.SessionId },
            new Audit.AuditEntry("auth.login", "succeeded", account.OrgId, account.WorkspaceId, "session", grant.SessionId,
                new System.Text.Json.Nodes.JsonObject { ["method"] = method }));
        return grant;
    }

    /// <summary>
    /// POST /v1/auth/register-password: sets a person's password and signs them in. Needs a credential: an admin key, or
    /// a key, actor token or session of one of that person's own accounts (a person without a password gets one after an
    /// e-mail sign-in, or from an admin). The address must be a human user's (POST /v1/users makes one).
    /// </summary>
    public async Task<SessionGrant> RegisterPasswordAsync(HttpContext http, Caller caller, RequestBody body)
    {
        var (email, password) = Credentials(body);
        if (!caller.IsAdmin && (!caller.IsHuman || await EmailOfAsync(caller.ServiceAccountId) != email))
            throw ProtocolException.Forbidden("a password is set by its person (signed in, or with their key) or with an admin key");
        var account = await FirstAccountAsync(email) ?? throw ProtocolException.NotFound("user", $"{email} (an admin creates people with POST /v1/users)");
        return await SetPasswordAsync(http, email, password, account, "register");
    }

    /// <summary>
    /// Sets the password of a person whose address is proven (an admin's word, their own credential, or an invitation
    /// mailed to it and accepted) and signs them in.
    /// </summary>
    public async Task<SessionGrant> SetPasswordAsync(HttpContext http, string email, string password, ServiceAccountRecord account, string method)
    {
        CheckPassword(password);
        await grains.GetGrain<IPersonGrain>(Persons.Key(email)).SetPasswordAsync(Hasher.HashPassword("", password));
        return await OpenAsync(http, Persons.Key(email), account, method);
    }

    /// <summary>POST /v1/auth/refresh: a spent refresh token for a new access token and the next refresh token.</summary>
    public async Task<RefreshResponse> RefreshAsync(HttpContext http, RequestBody body)
    {
        if (failures.Refusal(http) is { } tooMany) throw tooMany;
        var presented = body.String("refresh_token", 256, required: true)!;
        var sessionId = SessionTokens.SessionOfRefreshToken(presented);
        var (next, nextHash) = SessionTokens.NewRefreshToken(sessionId ?? "none");
        var session = sessionId is null ? null
            : await grains.GetGrain<ISessionGrain>(sessionId).RefreshAsync(TokenHash.Of(presented), nextHash, time.GetUtcNow() + options.Value.SessionRefreshLifetime);
        var account = session is null ? null : await LiveAccountAsync(session.AccountId);
        if (session is null || account is null)
        {
            failures.Failed(http);
            throw new ProtocolException(401, "invalid_refresh_token", "the refresh token is unknown, spent, expired or revoked: sign in again");
        }
        var (access, expires) = await tokens.AccessTokenAsync(session, account);
        return new RefreshResponse { AccessToken = access, AccountSessionToken = access, RefreshToken = next, ExpiresIn = Seconds(expires) };
    }

    /// <summary>GET /v1/auth/sessions: the caller's person's sessions, newest first.</summary>
    public async Task<AccountSessionList> ListAsync(Caller caller, bool includeRevoked)
    {
        var email = await PersonOfAsync(caller);
        var ids = await grains.GetGrain<IPersonGrain>(email).SessionIdsAsync();
        var sessions = await Task.WhenAll(ids.Select(id => grains.GetGrain<ISessionGrain>(id).GetAsync()));
        var now = time.GetUtcNow();
        return new AccountSessionList
        {
            Sessions = [.. sessions.OfType<SessionRecord>().Where(s => includeRevoked || s.ActiveAt(now)).OrderByDescending(s => s.CreatedAt).Select(s => new AccountSession
            {
                SessionId = s.SessionId, IsCurrent = s.SessionId == caller.SessionId, ClientType = s.Method, DeviceLabel = s.UserAgent, IpAddress = s.IpAddress,
                UserId = s.AccountId, CreatedAt = s.CreatedAt, LastUsedAt = s.LastUsedAt, ExpiresAt = s.ExpiresAt, RevokedAt = s.RevokedAt,
                Revoked = !s.ActiveAt(now),
            })],
        };
    }

    /// <summary>POST /v1/auth/sessions/revoke: one of the caller's person's sessions (another person's: 404).</summary>
    public async Task<SessionsRevoked> RevokeAsync(Caller caller, string sessionId)
    {
        var email = await PersonOfAsync(caller);
        var session = grains.GetGrain<ISessionGrain>(sessionId);
        if (await session.GetAsync() is not { } s || s.Email != email) throw ProtocolException.NotFound("session", sessionId);
        var counted = s.ActiveAt(time.GetUtcNow()) ? 1 : 0;
        await session.RevokeAsync();
        return new SessionsRevoked { RevokedCount = counted, SessionId = sessionId };
    }

    /// <summary>POST /v1/auth/logout: the session the request came with.</summary>
    public Task<SessionsRevoked> LogoutAsync(Caller caller) =>
        caller.SessionId is { } sid ? RevokeAsync(caller, sid)
            : throw new ProtocolException(401, "missing_actor_token", "logout ends the session of the request's access token (Authorization: Bearer)");

    /// <summary>POST /v1/auth/logout-all: every session of the caller's person.</summary>
    public async Task<SessionsRevoked> LogoutAllAsync(Caller caller)
    {
        var email = await PersonOfAsync(caller);
        var now = time.GetUtcNow();
        var revoked = 0;
        foreach (var id in await grains.GetGrain<IPersonGrain>(email).SessionIdsAsync())
            if (await grains.GetGrain<ISessionGrain>(id).GetAsync() is { } s && s.ActiveAt(now))
            {
                await grains.GetGrain<ISessionGrain>(id).RevokeAsync();
                revoked++;
            }
        return new SessionsRevoked { RevokedCount = revoked };
    }

    /// <summary>Opens a session for a person acting as one of their accounts.</summary>
    public async Task<SessionGrant> OpenAsync(HttpContext http, string email, ServiceAccountRecord account, string method, bool withKey = false)
    {
        var now = time.GetUtcNow();
        var sessionId = "ses_" + Guid.NewGuid().ToString("N")[..24];
        var (refresh, refreshHash) = SessionTokens.NewRefreshToken(sessionId);
        // The CLI keeps an API key beside the session (PROTOCOL §11.2); it ends with the session, or with its 30 days.
        var key = withKey
            ? await grains.GetGrain<IServiceAccountGrain>(account.ServiceAccountId).CreateKeyAsync(now + options.Value.SessionRefreshLifetime)
            : null;
        var session = await grains.GetGrain<ISessionGrain>(sessionId).OpenAsync(new SessionRecord
        {
            SessionId = sessionId, Email = email, AccountId = account.ServiceAccountId, RefreshHash = refreshHash, CreatedAt = now, LastUsedAt = now,
            ExpiresAt = now + options.Value.SessionRefreshLifetime, Method = method,
            UserAgent = http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 200)] : null,
            IpAddress = http.Connection.RemoteIpAddress?.ToString(), KeyId = key?.Key.KeyId, KeyAccountId = key is null ? null : account.ServiceAccountId,
        });
        await grains.GetGrain<IPersonGrain>(email).AddSessionAsync(sessionId);
        var (access, expires) = await tokens.AccessTokenAsync(session, account);
        return new SessionGrant
        {
            AccountSessionToken = access, AccessToken = access, RefreshToken = refresh, ExpiresIn = Seconds(expires), ExpiresAt = expires,
            SessionId = sessionId, UserId = account.ServiceAccountId, Email = email, OrgId = account.OrgId, WorkspaceId = account.WorkspaceId,
            ApiKey = key?.Token,
        };
    }

    /// <summary>The person's live accounts (human users with the address whose workspace lets them act), oldest first.</summary>
    public async Task<IReadOnlyList<ServiceAccountRecord>> AccountsAsync(string email)
    {
        var ids = await grains.GetGrain<IPersonGrain>(email).AccountIdsAsync();
        var accounts = new List<ServiceAccountRecord>();
        foreach (var id in ids)
            if (await LiveAccountAsync(id) is { } account && Persons.Key(account.Email ?? "") == email) accounts.Add(account);
        return accounts;
    }

    /// <summary>The person a human caller is (their account's address); 403 for a machine key.</summary>
    public async Task<string> PersonOfAsync(Caller caller) =>
        caller.IsHuman && await EmailOfAsync(caller.ServiceAccountId) is { } email
            ? email
            : throw new ProtocolException(401, "missing_actor_token", "this needs a person: sign in (POST /v1/auth/login) and send the access token as Authorization: Bearer");

    public async Task<ServiceAccountRecord?> FirstAccountAsync(string email) => (await AccountsAsync(email)).FirstOrDefault();

    private async Task<string?> EmailOfAsync(string accountId) =>
        await grains.GetGrain<IServiceAccountGrain>(accountId).GetAsync() is { IsHuman: true, Email: { } e } ? Persons.Key(e) : null;

    private async Task<ServiceAccountRecord?> LiveAccountAsync(string accountId)
    {
        if (await grains.GetGrain<IServiceAccountGrain>(accountId).GetAsync() is not { Status: "active", IsHuman: true } account) return null;
        var access = await grains.GetGrain<IOrganizationGrain>(account.OrgId).AccessAsync(account.WorkspaceId);
        return access is null || (access.OrganizationStatus == TenantStatus.Active && access.WorkspaceStatus == TenantStatus.Active) ? account : null;
    }

    private static (string Email, string Password) Credentials(RequestBody body)
    {
        var email = body.String("email", 320, required: true)!.Trim();
        if (!email.Contains('@')) throw ProtocolException.Invalid("email", "email must be an e-mail address");
        var password = body.String("password", MaxPasswordLength, required: true)!;
        CheckPassword(password);
        return (Persons.Key(email), password);
    }

    private static void CheckPassword(string password)
    {
        if (password.Length is < MinPasswordLength or > MaxPasswordLength)
            throw ProtocolException.Invalid("password", $"password must be {MinPasswordLength}-{MaxPasswordLength} characters");
    }

    private int Seconds(DateTimeOffset expires) => (int)Math.Max(0, (expires - time.GetUtcNow()).TotalSeconds);
}
