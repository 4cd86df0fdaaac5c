using Axme.Api.Accounts;
using Axme.Api.Audit;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Axme.Api.Humans;

/// <summary>
/// Nicks and profiles (PROTOCOL §12 "Users"; the official SDKs' register_nick, check_nick, rename_nick, get/update
/// user profile): a person's @name, unique on the node, on their human user account.
/// </summary>
public static class NickEndpoints
{
    public static RouteGroupBuilder MapNickEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/users").WithTags("Users");
        g.MapGet("/check-nick", Check).WithName("CheckNick").WithSummary("Whether a nick is free, and the public address it would have");
        g.MapGet("/resolve-nick", Resolve).WithName("ResolveNick").WithSummary("Who holds a nick (contact details only within the caller's workspace)");
        g.MapPost("/register-nick", Register).Accepts<NickRegisterRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("RegisterNick").WithSummary("A nick for the calling person; with an agent's or admin key, a new person (a human user) with it").Audit("user.nick.register", "user");
        g.MapPost("/rename-nick", Rename).Accepts<ProfileUpdateRequest>("application/json")
            .WithName("RenameNick").WithSummary("Change a person's nick (the old one is freed)").Audit("user.nick.rename", "user");
        g.MapGet("/profile", Profile).WithName("GetUserProfile").WithSummary("A person's profile (owner_agent; default: the calling person)");
        g.MapPost("/profile/update", Update).Accepts<ProfileUpdateRequest>("application/json")
            .WithName("UpdateUserProfile").WithSummary("Change a person's nick, display name, phone or e-mail").Audit("user.profile.update", "user");
        return v1;
    }

    public static async Task<Ok<NickCheck>> Check(HttpContext http, IGrainFactory grains, IOptions<ApiOptions> options) =>
        TypedResults.Ok(await CheckAsync(grains, ApiKeyAuthFilter.CallerOf(http), options.Value, Query.String(http.Request, "nick")));

    public static async Task<Ok<NickResolution>> Resolve(HttpContext http, IGrainFactory grains, IOptions<ApiOptions> options) =>
        TypedResults.Ok(await ResolveAsync(grains, ApiKeyAuthFilter.CallerOf(http), options.Value, Query.String(http.Request, "nick")));

    /// <summary>Whether a nick is free (or the caller's own), and the public address it gives (REST and MCP).</summary>
    public static async Task<NickCheck> CheckAsync(IGrainFactory grains, Caller caller, ApiOptions options, string? given)
    {
        var (nick, normalized) = Nicks.Parse(given ?? throw ProtocolException.Invalid("nick", "nick is required", "missing_field"));
        var owner = await grains.GetGrain<INickGrain>(normalized).OwnerAsync();
        return new NickCheck
        {
            Nick = nick, NormalizedNick = normalized, PublicAddress = Nicks.PublicAddress(normalized, options.NickDomain),
            Available = owner is null || owner == caller.ServiceAccountId,
        };
    }

    /// <summary>Who holds a nick; e-mail and phone only for a caller of the holder's workspace (REST and MCP).</summary>
    public static async Task<NickResolution> ResolveAsync(IGrainFactory grains, Caller caller, ApiOptions options, string? given)
    {
        var (nick, normalized) = Nicks.Parse(given ?? throw ProtocolException.Invalid("nick", "nick is required", "missing_field"));
        var address = Nicks.PublicAddress(normalized, options.NickDomain);
        var owner = await grains.GetGrain<INickGrain>(normalized).OwnerAsync() is { } id ? await grains.GetGrain<IServiceAccountGrain>(id).GetAsync() : null;
        if (owner is not { Status: "active" })
            return new NickResolution { Resolved = false, Nick = nick, NormalizedNick = normalized, PublicAddress = address };
        var near = caller.CanAccess(owner.OrgId, owner.WorkspaceId);
        return new NickResolution
        {
            Resolved = true, Nick = owner.Nick ?? nick, NormalizedNick = normalized, PublicAddress = address, OwnerAgent = owner.AgentAddress,
            DisplayName = owner.DisplayName, Phone = near ? owner.Phone : null, Email = near ? owner.Email : null,
        };
    }

    public static async Task<Ok<UserProfile>> Register(HttpContext http, IGrainFactory grains, IOptions<ApiOptions> options)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var body = await RequestBody.ReadAsync(http);
        var (nick, normalized) = Nicks.Parse(body.String("nick", 64, required: true)!);
        // Taken by someone else: refused before anything is made (a new person would be left without the nick).
        if (await grains.GetGrain<INickGrain>(normalized).OwnerAsync() is { } holder && holder != caller.ServiceAccountId
            && (caller.IsHuman || (await grains.GetGrain<IServiceAccountGrain>(holder).GetAsync())?.AgentAddress != AgentAddress.ForServiceAccount(caller.OrgId, caller.WorkspaceId, normalized[1..])))
            throw ProtocolException.Conflict("nick_taken", $"the nick {nick} is taken");
        ServiceAccountRecord account;
        if (caller.IsHuman) account = await grains.GetGrain<IServiceAccountGrain>(caller.ServiceAccountId).GetAsync() ?? throw ProtocolException.NotFound("user", caller.ServiceAccountId);
        else
        {
            // A key without a person behind it registers a new person in its workspace, named by the nick.
            var email = body.String("email", 320) ?? throw ProtocolException.Invalid("email", "a new person needs an e-mail address", "missing_field");
            var (created, _) = await grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(caller.OrgId, caller.WorkspaceId)).CreateServiceAccountAsync(
                new CreateServiceAccountCommand
                {
                    OrgId = caller.OrgId, WorkspaceId = caller.WorkspaceId, Name = normalized[1..], DisplayName = body.String("display_name", 120),
                    CreatedByActorId = caller.ServiceAccountId, Kind = AccountKinds.Human, Email = email.Trim(),
                });
            account = created.IsHuman ? created : throw ProtocolException.Conflict("name_taken", $"the name {normalized[1..]} belongs to a service account that is not a person");
        }
        if (account.Nick is { } held && Nicks.Parse(held).Normalized != normalized)
            throw ProtocolException.Conflict("nick_already_registered", $"this person's nick is {held}: change it with POST /v1/users/rename-nick");
        var updated = await grains.GetGrain<IServiceAccountGrain>(account.ServiceAccountId).UpdateHumanAsync(new UpdateHumanCommand
        {
            Nick = nick, DisplayName = body.String("display_name", 120), Phone = body.String("phone", 64), Email = caller.IsHuman ? body.String("email", 320) : null,
        });
        return TypedResults.Ok(Wire(updated, options.Value) with { CreatedAt = updated.CreatedAt });
    }

    public static async Task<Ok<UserProfile>> Rename(HttpContext http, IGrainFactory grains, IOptions<ApiOptions> options)
    {
        var body = await RequestBody.ReadAsync(http);
        body.String("nick", 64, required: true);
        var updated = await ChangeAsync(http, grains, body);
        return TypedResults.Ok(Wire(updated, options.Value) with { RenamedAt = updated.UpdatedAt });
    }

    public static async Task<Ok<UserProfile>> Profile(HttpContext http, IGrainFactory grains, IOptions<ApiOptions> options)
    {
        var account = await PersonAsync(grains, ApiKeyAuthFilter.CallerOf(http), Query.OwnerAgent(http.Request, ApiKeyAuthFilter.CallerOf(http)), write: false);
        return TypedResults.Ok(Wire(account, options.Value));
    }

    public static async Task<Ok<UserProfile>> Update(HttpContext http, IGrainFactory grains, IOptions<ApiOptions> options) =>
        TypedResults.Ok(Wire(await ChangeAsync(http, grains, await RequestBody.ReadAsync(http)), options.Value));

    private static async Task<ServiceAccountRecord> ChangeAsync(HttpContext http, IGrainFactory grains, RequestBody body)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var account = await PersonAsync(grains, caller, AgentAddress.Canonical(body.String("owner_agent", 383, required: true)!, caller), write: true);
        return await grains.GetGrain<IServiceAccountGrain>(account.ServiceAccountId).UpdateHumanAsync(new UpdateHumanCommand
        {
            Nick = body.String("nick", 64), DisplayName = body.String("display_name", 120), Phone = body.String("phone", 64), Email = body.String("email", 320),
        });
    }

    /// <summary>The person an owner_agent names (default: the calling person): read by anyone of their workspace, changed by them or their managers.</summary>
    private static async Task<ServiceAccountRecord> PersonAsync(IGrainFactory grains, Caller caller, string? ownerAgent, bool write)
    {
        var address = ownerAgent ?? (caller.IsHuman ? caller.AgentAddress : throw ProtocolException.Invalid("owner_agent", "owner_agent is required", "missing_field"));
        var id = (await grains.GetGrain<IAgentGrain>(address).GetAsync())?.ServiceAccountId ?? throw ProtocolException.NotFound("user", address);
        var account = await grains.GetGrain<IServiceAccountGrain>(id).GetAsync() is { Status: "active", IsHuman: true } a ? a : throw ProtocolException.NotFound("user", address);
        if (!caller.CanAccess(account.OrgId, account.WorkspaceId) || (write && !AccountAccess.Manages(caller, account)))
            throw ProtocolException.Forbidden($"{address} is not yours to {(write ? "change" : "read")}");
        return account;
    }

    private static UserProfile Wire(ServiceAccountRecord a, ApiOptions options)
    {
        var normalized = a.Nick is { } n ? Nicks.Parse(n).Normalized : "@" + a.Name.ToLowerInvariant();
        return new UserProfile
        {
            UserId = a.ServiceAccountId, OwnerAgent = a.AgentAddress, Nick = a.Nick ?? "@" + a.Name, NormalizedNick = normalized,
            PublicAddress = Nicks.PublicAddress(normalized, options.NickDomain), DisplayName = a.DisplayName, Phone = a.Phone, Email = a.Email, UpdatedAt = a.UpdatedAt,
        };
    }
}
