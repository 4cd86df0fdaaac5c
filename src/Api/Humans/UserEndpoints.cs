using Axme.Api.Audit;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Axme.Api.Accounts;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Humans;

/// <summary>
/// Human users: service accounts of kind human with an e-mail, roles and teams, and keys of their own
/// (docs/adr/009). user_id is the service account id, so keys, auth and workspaces work as for agents.
/// </summary>
public static partial class UserEndpoints
{
    private const int MaxGroups = 50;

    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/users").WithTags("Users");
        g.MapPost("", Create).Accepts<Contracts.UserRequest>("application/json").AddEndpointFilter<IdempotencyFilter>().WithName("CreateUser").WithSummary("Create a human user (idempotent by name)").Audit("user.create", "user");
        g.MapGet("", List).WithName("ListUsers").WithSummary("List a workspace's human users");
        g.MapGet("/{user_id:userid}", Get).WithName("GetUser").WithSummary("Get a human user");
        g.MapPatch("/{user_id:userid}", Update).Accepts<Contracts.UserRequest>("application/json").AddEndpointFilter<IdempotencyFilter>().WithName("UpdateUser").WithSummary("Change a user's e-mail, roles, teams or display name").Audit("user.update", "user", "user_id");
        g.MapDelete("/{user_id:userid}", Delete).AddEndpointFilter<IdempotencyFilter>().WithName("DeleteUser").WithSummary("Revoke a user's keys and delete the user").Audit("user.delete", "user", "user_id");
        g.MapPost("/{user_id:userid}/tokens", CreateToken).WithName("CreateUserActorToken").WithSummary("An actor token for a user (Authorization: Bearer; 15 minutes): the user's own key, or an admin's answering for the person (its events then name both)").Audit("user.actor_token.create", "user", "user_id");
        g.MapPost("/{user_id:userid}/keys", CreateKey).Accepts<Contracts.CreateKeyRequest>("application/json").AddEndpointFilter<IdempotencyFilter>().WithName("CreateUserKey").WithSummary("Create a key for a user (the token is returned once)").Audit("key.create", "user", "user_id");
        return v1;
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex GroupPattern();

    public static async Task<Ok<UserResponse>> Create(HttpContext http, IGrainFactory grains)
    {
        var caller = ServiceAccountOperations.ManagingCaller(ApiKeyAuthFilter.CallerOf(http));
        var body = await RequestBody.ReadAsync(http);
        var command = ServiceAccountOperations.ReadCreate(body, caller) with
        {
            Kind = AccountKinds.Human,
            Email = Email(body, required: true),
            Roles = Groups(body, "roles") ?? [],
            Teams = Groups(body, "teams") ?? [],
        };
        var (account, _) = await grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(command.OrgId, command.WorkspaceId)).CreateServiceAccountAsync(command);
        // Idempotent by name, like service accounts; a name an agent already holds is not a user.
        if (!account.IsHuman)
            throw ProtocolException.Conflict("name_taken", $"the name {command.Name} belongs to a service account that is not a user");
        return UserResult(http, account);
    }

    public static async Task<Ok<UserPage>> List(HttpContext http, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var (org, ws) = Query.Workspace(http.Request, caller);
        var (limit, cursor) = WorkspaceDirectory.Paging(http.Request.Query);
        var page = await WorkspaceDirectory.PageAsync(grains, org, ws, a => a.IsHuman, cursor, limit);
        return TypedResults.Ok(new UserPage
        {
            Users = [.. page.Accounts.Select(u => u.ToUser(Accounts.AccountAccess.Manages(caller, u)))],
            NextCursor = page.NextCursor,
            HasMore = page.NextCursor is not null,
        });
    }

    public static async Task<Ok<UserResponse>> Get(HttpContext http, string user_id, IGrainFactory grains) =>
        UserResult(http, await VisibleAsync(http, grains, user_id));

    public static async Task<Ok<UserResponse>> Update(HttpContext http, string user_id, IGrainFactory grains)
    {
        ServiceAccountOperations.ManagingCaller(ApiKeyAuthFilter.CallerOf(http));
        await VisibleAsync(http, grains, user_id);
        var body = await RequestBody.ReadAsync(http);
        if (body.Root.ContainsKey("name")) throw ProtocolException.Invalid("name", "a user's name cannot change (its agent address derives from it)");
        var command = new UpdateHumanCommand
        {
            DisplayName = body.String("display_name", 255),
            Email = Email(body, required: false),
            Roles = Groups(body, "roles"),
            Teams = Groups(body, "teams"),
        };
        return UserResult(http, await grains.GetGrain<IServiceAccountGrain>(user_id).UpdateHumanAsync(command));
    }

    public static async Task<Ok<UserDeleted>> Delete(HttpContext http, string user_id, IGrainFactory grains)
    {
        ServiceAccountOperations.ManagingCaller(ApiKeyAuthFilter.CallerOf(http));
        await VisibleAsync(http, grains, user_id);
        var deleted = await grains.GetGrain<IServiceAccountGrain>(user_id).DeleteAsync();
        return TypedResults.Ok(new UserDeleted { UserId = deleted.ServiceAccountId, User = deleted.ToUser() });
    }

    public static async Task<Ok<ApiKeyResponse>> CreateKey(HttpContext http, string user_id, IGrainFactory grains)
    {
        Accounts.AccountAccess.SelfOrAdmin(ServiceAccountOperations.ManagingCaller(ApiKeyAuthFilter.CallerOf(http)), user_id, "issue its keys");
        await VisibleAsync(http, grains, user_id);
        return TypedResults.Ok(await ServiceAccountOperations.KeyAnswerAsync(grains, user_id, await RequestBody.ReadAsync(http)));
    }

    public static async Task<Ok<ActorTokenResponse>> CreateToken(HttpContext http, string user_id, IGrainFactory grains, ActorTokens tokens, TimeProvider time)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        // A user may mint its own tokens; for someone else only an admin may (answering for a person, ADR 017).
        Accounts.AccountAccess.SelfOrAdmin(caller, user_id, "mint its actor tokens");
        var user = await VisibleAsync(http, grains, user_id);
        var (token, expires) = tokens.Issue(user, caller.ServiceAccountId);
        return TypedResults.Ok(new ActorTokenResponse
        {
            Token = token,
            ExpiresAt = expires,
            ExpiresIn = (int)Math.Round((expires - time.GetUtcNow()).TotalSeconds),
            User = user.ToUser(),
        });
    }

    /// <summary>A user as the caller may see it: its keys only for itself or an admin (ADR 017).</summary>
    private static Ok<UserResponse> UserResult(HttpContext http, ServiceAccountRecord account) =>
        TypedResults.Ok(new UserResponse { User = account.ToUser(Accounts.AccountAccess.Manages(ApiKeyAuthFilter.CallerOf(http), account)) });

    /// <summary>A live human user the caller may see: 404 when unknown (or not a user), 403 in another workspace.</summary>
    private static async Task<ServiceAccountRecord> VisibleAsync(HttpContext http, IGrainFactory grains, string userId)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var account = await grains.GetGrain<IServiceAccountGrain>(userId).GetAsync();
        if (account is not { Status: "active", IsHuman: true }) throw ProtocolException.NotFound("user", userId);
        return caller.CanAccess(account.OrgId, account.WorkspaceId) ? account : throw ProtocolException.Forbidden("user belongs to another workspace");
    }

    private static string? Email(RequestBody body, bool required)
    {
        var email = body.String("email", 320, required: required)?.Trim();
        return email is null || EmailPattern().IsMatch(email) ? email : throw ProtocolException.Invalid("email", $"email is not an e-mail address: {email}", "invalid_email");
    }

    /// <summary>Role or team names: lower-cased, de-duplicated, each a slug of 1–64 characters.</summary>
    private static IReadOnlyList<string>? Groups(RequestBody body, string field)
    {
        if (body.StringList(field) is not { } names) return null;
        var groups = names.Select(n => n.Trim().ToLowerInvariant()).Distinct().ToArray();
        if (groups.Length > MaxGroups) throw ProtocolException.Invalid(field, $"{field} may have at most {MaxGroups} names");
        return groups.FirstOrDefault(g => !GroupPattern().IsMatch(g)) is { } bad
            ? throw ProtocolException.Invalid(field, $"{field} must be names of letters, digits, '.', '_' or '-' (1–64 characters): '{bad}'")
            : groups;
    }
}
