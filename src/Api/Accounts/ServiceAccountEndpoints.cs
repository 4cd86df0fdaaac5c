using Axme.Api.Audit;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Accounts;

/// <summary>Service accounts and their keys (PROTOCOL §6.2). A key manages its own workspace; admin keys any workspace.</summary>
public static class ServiceAccountEndpoints
{
    public static RouteGroupBuilder MapServiceAccountEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/service-accounts").WithTags("Service accounts");
        g.MapPost("", Create).Accepts<CreateServiceAccountRequest>("application/json").AddEndpointFilter<IdempotencyFilter>().WithName("CreateServiceAccount").WithSummary("Create a service account (idempotent by name)").Audit("account.create", "service_account");
        g.MapGet("", List).WithName("ListServiceAccounts").WithSummary("List a workspace's service accounts");
        g.MapGet("/{service_account_id}", Get).WithName("GetServiceAccount").WithSummary("Get a service account");
        g.MapDelete("/{service_account_id}", Delete).AddEndpointFilter<IdempotencyFilter>().WithName("DeleteServiceAccount").WithSummary("Revoke all keys and delete a service account").Audit("account.delete", "service_account", "service_account_id");
        g.MapPost("/{service_account_id}/keys", CreateKey).Accepts<CreateKeyRequest>("application/json").AddEndpointFilter<IdempotencyFilter>().WithName("CreateServiceAccountKey").WithSummary("Create a key (the token is returned once)").Audit("key.create", "service_account", "service_account_id");
        g.MapPost("/{service_account_id}/keys/{key_id}/revoke", RevokeKey).AddEndpointFilter<IdempotencyFilter>().WithName("RevokeServiceAccountKey").WithSummary("Revoke a key").Audit("key.revoke", "key", "key_id");
        v1.MapGet("/whoami", WhoAmI).WithTags("Service accounts").WithName("WhoAmI").WithSummary("Who the request's key or actor token belongs to (extension)");
        return v1;
    }

    /// <summary>
    /// The authenticated caller (an extension: the official CLI's whoami guesses from the account list, and a
    /// key's hint is shared by all keys of its account, so only the node can say which key this is).
    /// </summary>
    public static async Task<Ok<WhoAmIResponse>> WhoAmI(HttpContext http, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var account = await grains.GetGrain<IServiceAccountGrain>(caller.ServiceAccountId).GetAsync();
        var who = new Contracts.WhoAmI
        {
            ServiceAccountId = caller.ServiceAccountId,
            KeyId = caller.KeyId,
            OrgId = caller.OrgId,
            WorkspaceId = caller.WorkspaceId,
            AgentAddress = caller.AgentAddress,
            IsAdmin = caller.IsAdmin,
            IsHuman = caller.IsHuman,
            Credential = caller.KeyId == ActorTokens.CallerKeyId ? "actor_token" : "api_key",
        };
        return TypedResults.Ok(new WhoAmIResponse { Caller = who, ServiceAccount = account?.ToWire() });
    }

    public static async Task<Ok<ServiceAccountResponse>> Create(HttpContext http, IGrainFactory grains, Webhooks.WebhookSecrets secrets, Agents.DeliveryQueries deliveries)
    {
        var caller = ManagingCaller(http);
        var body = await RequestBody.ReadAsync(http);
        var command = ServiceAccountOperations.ReadCreate(body, caller);
        // The agent's delivery binding may be set at registration (an extension, docs/adr/005): read and
        // validated before anything is written.
        var delivery = Agents.DeliveryRequest.Fields.Any(body.Root.ContainsKey) ? Agents.DeliveryRequest.Read(body, secrets) : null;
        if (delivery is { Mode: Grains.Interfaces.Agents.DeliveryModes.Http, WebhookUrl: null })
            throw ProtocolException.Invalid("webhook_url", "the http binding needs a webhook_url");
        var (account, isNew) = await grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(command.OrgId, command.WorkspaceId)).CreateServiceAccountAsync(command);
        // Naming an existing account again is a replay, not a way to change another agent's binding.
        if (delivery is not null && !isNew) AccountAccess.MustManage(caller, account, "change its delivery binding");
        var response = new ServiceAccountResponse { ServiceAccount = account.ToWire(AccountAccess.Manages(caller, account)) };
        if (delivery is not null && await grains.GetGrain<Grains.Interfaces.Agents.IAgentGrain>(account.AgentAddress).GetAsync() is { } agent)
        {
            var (configured, generated) = await delivery.ApplyAsync(grains, secrets, agent);
            await Agents.AgentOperations.RedispatchWaitingAsync(grains, deliveries, configured, http.RequestAborted);
            response = response with { Agent = Agents.AgentWire.ToWire(configured, generated) };
        }
        return TypedResults.Ok(response);
    }

    public static async Task<Ok<ServiceAccountPage>> List(HttpContext http, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var (org, ws) = Query.Workspace(http.Request, caller);
        var (limit, cursor) = WorkspaceDirectory.Paging(http.Request.Query);
        var page = await WorkspaceDirectory.PageAsync(grains, org, ws, _ => true, cursor, limit);
        return TypedResults.Ok(new ServiceAccountPage
        {
            ServiceAccounts = [.. page.Accounts.Select(a => a.ToWire(AccountAccess.Manages(caller, a)))],
            NextCursor = page.NextCursor,
            HasMore = page.NextCursor is not null,
        });
    }

    public static async Task<Ok<ServiceAccountResponse>> Get(HttpContext http, string service_account_id, IGrainFactory grains)
    {
        var account = await Visible(http, grains, service_account_id);
        var keys = AccountAccess.Manages(ApiKeyAuthFilter.CallerOf(http), account);
        return TypedResults.Ok(new ServiceAccountResponse { ServiceAccount = account.ToWire(keys) });
    }

    public static async Task<Ok<ServiceAccountDeleted>> Delete(HttpContext http, string service_account_id, IGrainFactory grains)
    {
        AccountAccess.MustManage(ManagingCaller(http), await Visible(http, grains, service_account_id), "delete it");
        var deleted = await grains.GetGrain<IServiceAccountGrain>(service_account_id).DeleteAsync();
        return TypedResults.Ok(new ServiceAccountDeleted { ServiceAccountId = deleted.ServiceAccountId, ServiceAccount = deleted.ToWire() });
    }

    public static async Task<Ok<ApiKeyResponse>> CreateKey(HttpContext http, string service_account_id, IGrainFactory grains)
    {
        AccountAccess.MustManage(ManagingCaller(http), await Visible(http, grains, service_account_id), "issue its keys");
        return TypedResults.Ok(await ServiceAccountOperations.KeyAnswerAsync(grains, service_account_id, await RequestBody.ReadAsync(http)));
    }

    /// <summary>The request's caller, if it may change accounts (ServiceAccountOperations.ManagingCaller).</summary>
    private static Caller ManagingCaller(HttpContext http) => ServiceAccountOperations.ManagingCaller(ApiKeyAuthFilter.CallerOf(http));

    public static async Task<Ok<ApiKeyResponse>> RevokeKey(HttpContext http, string service_account_id, string key_id, IGrainFactory grains)
    {
        AccountAccess.MustManage(ManagingCaller(http), await Visible(http, grains, service_account_id), "revoke its keys");
        var revoked = await grains.GetGrain<IServiceAccountGrain>(service_account_id).RevokeKeyAsync(key_id);
        return TypedResults.Ok(new ApiKeyResponse { Key = revoked.ToWire() });
    }

    private static async Task<ServiceAccountRecord> Visible(HttpContext http, IGrainFactory grains, string id)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var account = await grains.GetGrain<IServiceAccountGrain>(id).GetAsync();
        if (account is null || account.Status != "active") throw ProtocolException.NotFound("service_account", id);
        return caller.CanAccess(account.OrgId, account.WorkspaceId) ? account : throw ProtocolException.Forbidden("service account belongs to another workspace");
    }
}
