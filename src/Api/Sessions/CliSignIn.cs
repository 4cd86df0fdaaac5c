using System.Security.Cryptography;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;
using Microsoft.Extensions.Options;

namespace Axme.Api.Sessions;

/// <summary>
/// The CLI's sign-ins (PROTOCOL §11.2, docs/adr/027). By e-mail: POST /v1/auth/login-intent mails a six-digit code and a
/// link; the CLI verifies the code, or polls while the link's page approves. In the browser: POST /v1/auth/cli-grants
/// gives a code and the approval page's URL; a person signed in to the web inbox approves it there; the CLI polls
/// GET /v1/auth/cli-grants/{id}. Approved, the sign-in is picked up once: a session and an API key of the person's
/// account, revoked together. Every start answers the same for every address: it does not tell who has an account.
/// </summary>
public sealed class CliSignIn(IGrainFactory grains, SessionOperations sessions, AuthFailureLimiter failures, Audit.AuditLog audit, IOptions<ApiOptions> options,
    TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    public const string ApprovalPath = "/inbox/login/cli";
    public const string EmailLinkPath = "/inbox/login/email/";
    private const string CodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ23456789"; // no vowels, 0/O or 1/I: nothing to misread or spell

    public async Task<LoginPending> StartEmailAsync(HttpContext http, RequestBody body)
    {
        if (failures.Refusal(http) is { } tooMany) throw tooMany;
        var email = Persons.Key(body.String("email", 320, required: true)!);
        if (!email.Contains('@')) throw ProtocolException.Invalid("email", "email must be an e-mail address");
        var grantId = NewId();
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");
        var link = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var origin = Http.PublicOrigin.Of(http, options.Value);
        // Only a person gets mail; an unknown address gets the same answer and nothing is sent.
        var text = (await sessions.AccountsAsync(email)).Count == 0 ? null :
            $"""
            Someone (hopefully you) is signing in to the Axme node at {origin} from the command line.

            Your code: {code}

            Or approve the sign-in here: {origin}{EmailLinkPath}{grantId}?token={link}

            Both work once, for {Lifetime.TotalMinutes:0} minutes. If it was not you, ignore this e-mail.
            """;
        await grains.GetGrain<ILoginGrantGrain>(grantId).StartAsync(new LoginGrantRecord
        {
            GrantId = grantId, Kind = "email", Email = email, CodeHash = CodeHash(grantId, code), LinkHash = TokenHash.Of(link), State = LoginGrantStates.Pending,
            CreatedAt = now, ExpiresAt = now + Lifetime,
        }, "Your Axme sign-in code", text);
        return new LoginPending { IntentId = grantId, GrantId = grantId, ExpiresIn = (int)Lifetime.TotalSeconds };
    }

    /// <summary>POST /v1/auth/login-intent/{id}/verify: the code → the session and key (410 expired, 409 used, 422 wrong).</summary>
    public async Task<SessionGrant> VerifyAsync(HttpContext http, string grantId, RequestBody body)
    {
        if (failures.Refusal(http) is { } tooMany) throw tooMany;
        var code = body.String("code", 16, required: true)!.Trim();
        var (outcome, grant) = await grains.GetGrain<ILoginGrantGrain>(Id(grantId)).VerifyCodeAsync(CodeHash(grantId, code));
        switch (outcome)
        {
            case LoginGrantStates.Approved:
                var account = await sessions.FirstAccountAsync(grant!.Email!)
                              ?? throw new ProtocolException(410, "login_expired", "this person has no active account any more");
                return await AuditedAsync(http, account, await sessions.OpenAsync(http, grant.Email!, account, "email_code", withKey: true));
            case LoginGrantStates.Expired:
                throw new ProtocolException(410, "login_expired", "this sign-in expired (or had too many wrong codes): run axme login again");
            case "used":
                throw ProtocolException.Conflict("login_used", "this code was already used");
            default:
                failures.Failed(http);
                throw ProtocolException.Invalid("code", "wrong code", "invalid_code");
        }
    }

    /// <summary>POST /v1/auth/cli-grants: a browser sign-in and the page that approves it.</summary>
    public async Task<LoginPending> StartBrowserAsync(HttpContext http)
    {
        if (failures.Refusal(http) is { } tooMany) throw tooMany;
        var grantId = NewId();
        var code = string.Concat(Enumerable.Range(0, 8).Select(i => (i == 4 ? "-" : "") + CodeAlphabet[RandomNumberGenerator.GetInt32(CodeAlphabet.Length)]));
        var now = time.GetUtcNow();
        await grains.GetGrain<ILoginGrantGrain>(grantId).StartAsync(new LoginGrantRecord
        {
            GrantId = grantId, Kind = "browser", UserCode = code, State = LoginGrantStates.Pending, CreatedAt = now, ExpiresAt = now + Lifetime,
        }, null, null);
        return new LoginPending
        {
            IntentId = grantId, GrantId = grantId, ExpiresIn = (int)Lifetime.TotalSeconds, UserCode = code,
            ApprovalUrl = $"{Http.PublicOrigin.Of(http, options.Value)}{ApprovalPath}?code={Uri.EscapeDataString(code)}",
        };
    }

    /// <summary>
    /// GET /v1/auth/cli-grants/{id}: pending or denied while waiting; approved once, with the session and key (picked
    /// up: asking again is 410 login_used); 410 login_expired past its time.
    /// </summary>
    public async Task<object> PollAsync(HttpContext http, string grantId)
    {
        var grain = grains.GetGrain<ILoginGrantGrain>(Id(grantId));
        var grant = await grain.GetAsync() ?? throw ProtocolException.NotFound("login", grantId);
        var state = LoginGrantStates.At(grant, time.GetUtcNow());
        if (state == LoginGrantStates.Approved && await grain.ConsumeAsync())
        {
            var email = grant.ApprovedEmail!;
            var account = (grant.ApprovedAccountId is { } id ? (await sessions.AccountsAsync(email)).FirstOrDefault(a => a.ServiceAccountId == id) : null)
                          ?? await sessions.FirstAccountAsync(email)
                          ?? throw new ProtocolException(410, "login_expired", "this person has no active account any more");
            return await AuditedAsync(http, account,
                await sessions.OpenAsync(http, email, account, grant.Kind == "email" ? "email_link" : "cli_grant", withKey: true) with { State = LoginGrantStates.Approved });
        }
        switch (state)
        {
            case LoginGrantStates.Approved or LoginGrantStates.Consumed:
                throw new ProtocolException(410, "login_used", "this sign-in was already picked up");
            case LoginGrantStates.Expired:
                throw new ProtocolException(410, "login_expired", "this sign-in expired: run axme login again");
            default:
                return new LoginState { State = state, GrantId = grant.GrantId };
        }
    }

    /// <summary>A CLI sign-in picked up is an audited sign-in (the key it came with is named).</summary>
    private async Task<SessionGrant> AuditedAsync(HttpContext http, ServiceAccountRecord account, SessionGrant grant)
    {
        await audit.RecordAsync(http, ActorTokens.CallerFor(account) with { SessionId = grant.SessionId },
            new Audit.AuditEntry("auth.login", "succeeded", account.OrgId, account.WorkspaceId, "session", grant.SessionId,
                new System.Text.Json.Nodes.JsonObject { ["method"] = "cli", ["api_key_issued"] = grant.ApiKey is not null }));
        return grant;
    }

    private static string NewId() => "lg_" + Guid.NewGuid().ToString("N")[..24];

    /// <summary>A sign-in id as a grain key: only ids of the node's own shape (anything else is no sign-in).</summary>
    private static string Id(string grantId) => IsGrantId(grantId) ? grantId : throw ProtocolException.NotFound("login", grantId);

    /// <summary>Whether a string has the shape of a sign-in id (lg_ and 24 hex digits): others never reach a grain.</summary>
    public static bool IsGrantId(string grantId) =>
        grantId.Length == 27 && grantId.StartsWith("lg_", StringComparison.Ordinal) && grantId[3..].All(char.IsAsciiHexDigitLower);

    /// <summary>The code's hash, salted with the sign-in's id (a million codes: unsalted, one table would reverse them all).</summary>
    private static string CodeHash(string grantId, string code) => TokenHash.Of($"{grantId}:{code}");

    /// <summary>The hash of an e-mailed link's token.</summary>
    public static string LinkHash(string token) => TokenHash.Of(token);
}
