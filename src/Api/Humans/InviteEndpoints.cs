using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Axme.Api.Audit;
using Axme.Api.Auth;
using Axme.Api.Hosting;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Axme.Api.Humans;

/// <summary>
/// Invitations (PROTOCOL §12 "Invites", docs/adr/030): an agent of a workspace invites a person, who accepts once with a
/// nick and becomes a human user and member of that workspace. Making one needs a key; reading and accepting need
/// only the token (the person has no key yet). The web inbox's accept page (Web/InvitePages) runs the same operations.
/// </summary>
public static partial class InviteEndpoints
{
    public const string PagePath = "/inbox/invite/";
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(7);
    private const int MinTtlSeconds = 60;
    private const int MaxTtlSeconds = 30 * 24 * 3600;

    [GeneratedRegex("^inv_[A-Za-z0-9_-]{43}$")]
    private static partial Regex TokenPattern();

    public static WebApplication MapInviteEndpoints(this WebApplication app)
    {
        var g = app.MapGroup("/v1/invites").WithTags("Users").ProducesErrors();
        g.MapPost("/create", Create).Accepts<InviteCreateRequest>("application/json").AddEndpointFilter<ApiKeyAuthFilter>().AddEndpointFilter<IdempotencyFilter>()
            .WithName("CreateInvite").WithSummary("Invite a person into the workspace (the token and link are shown once; an e-mail hint gets them mailed)")
            .Audit("invite.create", "invite");
        g.MapGet("/{token}", Get).WithName("GetInvite").WithSummary("An invitation, read with its token (no key needed)");
        g.MapPost("/{token}/accept", Accept).Accepts<InviteAcceptRequest>("application/json").WithName("AcceptInvite")
            .WithSummary("Accept an invitation once with a nick: a human user and member of the inviter's workspace (no key needed)");
        return app;
    }

    public static async Task<Ok<InviteCreated>> Create(HttpContext http, IGrainFactory grains, IOptions<ApiOptions> options, TimeProvider time) =>
        TypedResults.Ok(await CreateAsync(http, grains, options.Value, time, ApiKeyAuthFilter.CallerOf(http), await RequestBody.ReadAsync(http)));

    /// <summary>Makes an invitation (REST and MCP); the token is in the answer only.</summary>
    public static async Task<InviteCreated> CreateAsync(HttpContext http, IGrainFactory grains, ApiOptions options, TimeProvider time, Caller caller, RequestBody body)
    {
        var owner = body.String("owner_agent", 383) is { Length: > 0 } named ? AgentAddress.Canonical(named, caller) : caller.AgentAddress;
        // A key invites for its own agent; an admin key for any agent of an existing workspace.
        if (!caller.IsAdmin && owner != caller.AgentAddress)
            throw ProtocolException.Forbidden($"a key invites for its own agent ({caller.AgentAddress}), not {owner}");
        var (org, ws) = AgentAddress.Workspace(owner);
        if (caller.IsAdmin) await Tenancy.TenancyOperations.RequireWorkspaceAsync(grains, caller, (org, ws));
        var hint = body.String("recipient_hint", 320)?.Trim() is { Length: > 0 } h ? h : null;
        var ttl = body.Int("ttl_seconds", MinTtlSeconds, MaxTtlSeconds) is { } t ? TimeSpan.FromSeconds(t) : DefaultLifetime;
        var token = "inv_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var invite = new InviteRecord
        {
            OrgId = org, WorkspaceId = ws, OwnerAgent = owner, RecipientHint = hint, CreatedBy = caller.ServiceAccountId, CreatedAt = now,
            ExpiresAt = now + ttl, Status = InviteStatus.Pending,
        };
        var url = $"{PublicOrigin.Of(http, options)}{PagePath}{token}";
        var text = invite.Email is null ? null :
            $"""
            {owner} invites you to join the workspace {org}/{ws} on the Axme node at {PublicOrigin.Of(http, options)}.

            Accept, choosing your nick: {url}

            The link works once, until {invite.ExpiresAt:yyyy-MM-dd HH:mm} UTC. If you did not expect it, ignore this e-mail.
            """;
        await grains.GetGrain<IInviteGrain>(TokenHash.Of(token)).CreateAsync(invite, $"You are invited to {org}/{ws}", text);
        return new InviteCreated
        {
            Token = token, InviteUrl = url, OwnerAgent = owner, RecipientHint = hint, Status = invite.Status, CreatedAt = now, ExpiresAt = invite.ExpiresAt,
        };
    }

    public static async Task<Ok<InviteResponse>> Get(string token, IGrainFactory grains, IOptions<ApiOptions> options, TimeProvider time)
    {
        var invite = await FindAsync(grains, token) ?? throw ProtocolException.NotFound("invite", "this token");
        return TypedResults.Ok(new InviteResponse
        {
            Token = token, OwnerAgent = invite.OwnerAgent, RecipientHint = invite.RecipientHint, Status = InviteStatus.At(invite, time.GetUtcNow()),
            CreatedAt = invite.CreatedAt, ExpiresAt = invite.ExpiresAt, AcceptedAt = invite.AcceptedAt, AcceptedOwnerAgent = invite.AcceptedOwnerAgent,
            Nick = invite.Nick, PublicAddress = invite.Nick is { } n ? Nicks.PublicAddress(Nicks.Parse(n).Normalized, options.Value.NickDomain) : null,
        });
    }

    public static async Task<Ok<InviteAccepted>> Accept(HttpContext http, string token, IGrainFactory grains, IOptions<ApiOptions> options, AuditLog audit)
    {
        var body = await RequestBody.ReadAsync(http);
        return TypedResults.Ok(await AcceptAsync(http, grains, options.Value, audit, token, body.String("nick", 64, required: true)!, body.String("display_name", 120)));
    }

    /// <summary>Accepts an invitation (REST and the accept page), audited with the person it made as actor.</summary>
    public static async Task<InviteAccepted> AcceptAsync(HttpContext http, IGrainFactory grains, ApiOptions options, AuditLog audit, string token,
        string nick, string? displayName)
    {
        // A malformed token names no invitation and activates nothing; the grain answers 404 for a well-formed unknown one.
        if (!TokenPattern().IsMatch(token)) throw ProtocolException.NotFound("invite", "this token");
        var invite = await grains.GetGrain<IInviteGrain>(TokenHash.Of(token)).AcceptAsync(nick, displayName?.Trim() is { Length: > 0 } d ? d : null);
        await audit.RecordAsync(http, null, new AuditEntry("invite.accept", "succeeded", invite.OrgId, invite.WorkspaceId, "user", invite.UserId,
            new System.Text.Json.Nodes.JsonObject { ["invited_by"] = invite.OwnerAgent, ["nick"] = invite.Nick }), actor: invite.UserId);
        return new InviteAccepted
        {
            Token = token, Status = invite.Status, InviteOwnerAgent = invite.OwnerAgent, UserId = invite.UserId!, OwnerAgent = invite.AcceptedOwnerAgent!,
            Nick = invite.Nick!, PublicAddress = Nicks.PublicAddress(Nicks.Parse(invite.Nick!).Normalized, options.NickDomain), DisplayName = invite.DisplayName,
            AcceptedAt = invite.AcceptedAt!.Value, RegistryBindStatus = "disabled",
        };
    }

    /// <summary>The invitation a token names, or null (a malformed token names none, and activates nothing).</summary>
    public static Task<InviteRecord?> FindAsync(IGrainFactory grains, string token) =>
        TokenPattern().IsMatch(token) ? grains.GetGrain<IInviteGrain>(TokenHash.Of(token)).GetAsync() : Task.FromResult<InviteRecord?>(null);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
