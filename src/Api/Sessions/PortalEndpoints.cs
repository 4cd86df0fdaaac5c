using Axme.Api.Audit;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;
using Axme.Grains.Interfaces.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Sessions;

/// <summary>
/// The personal context (PROTOCOL §11.2: the CLI's org list, workspace list, workspace use, whoami): the organizations
/// and workspaces a person has an account in, and which one the request acts in; a session switches between them.
/// </summary>
public static class PortalEndpoints
{
    public static RouteGroupBuilder MapPortalEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/portal/personal").WithTags("Sessions");
        g.MapGet("/context", Context).WithName("PersonalContext").WithSummary("The person's organizations and workspaces, and the one the request acts in");
        g.MapPost("/workspace-selection", Select).Accepts<WorkspaceSelectionRequest>("application/json")
            .WithName("SelectWorkspace").WithSummary("Make the session act in another workspace the person has an account in").Audit("auth.workspace.select");
        return v1;
    }

    public static async Task<Ok<PersonalContext>> Context(HttpContext http, IGrainFactory grains, SessionOperations sessions)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        return TypedResults.Ok(await BuildAsync(grains, sessions, await sessions.PersonOfAsync(caller), caller.ServiceAccountId));
    }

    public static async Task<Ok<PersonalContext>> Select(HttpContext http, IGrainFactory grains, SessionOperations sessions)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var email = await sessions.PersonOfAsync(caller);
        var body = await RequestBody.ReadAsync(http);
        var org = TenantNames.Canonical(body.String("org_id", 255, required: true)!, "org_id");
        var ws = TenantNames.Canonical(body.String("workspace_id", 255, required: true)!, "workspace_id");
        if (caller.SessionId is not { } sessionId)
            throw new ProtocolException(403, "invalid_actor_scope", "a key or actor token acts in its own workspace: sign in for a session to switch");
        var account = (await sessions.AccountsAsync(email)).FirstOrDefault(a => a.OrgId == org && a.WorkspaceId == ws)
                      ?? throw new ProtocolException(403, "invalid_actor_scope", $"{org}/{ws} is outside actor membership scope: the person has no account there");
        await grains.GetGrain<ISessionGrain>(sessionId).SelectAccountAsync(account.ServiceAccountId);
        return TypedResults.Ok(await BuildAsync(grains, sessions, email, account.ServiceAccountId));
    }

    private static async Task<PersonalContext> BuildAsync(IGrainFactory grains, SessionOperations sessions, string email, string currentAccountId)
    {
        var accounts = await sessions.AccountsAsync(email);
        var organizations = new List<PersonalOrganization>();
        var workspaces = new List<PersonalWorkspace>();
        foreach (var group in accounts.GroupBy(a => a.OrgId))
        {
            var orgGrain = grains.GetGrain<IOrganizationGrain>(group.Key);
            var org = (await orgGrain.FindAsync())?.Organization;
            var members = org is null ? [] : await orgGrain.ListMembersAsync(null);
            var known = org is null ? [] : await orgGrain.ListWorkspacesAsync();
            var here = group.Select(a =>
            {
                var w = known.FirstOrDefault(k => k.WorkspaceId == a.WorkspaceId);
                return new PersonalWorkspace
                {
                    WorkspaceId = a.WorkspaceId, Name = w?.Name ?? a.WorkspaceId, OrgId = a.OrgId, OrgName = org?.Name ?? a.OrgId,
                    Environment = w?.Environment ?? "production", Status = w?.Status ?? TenantStatus.Active, Roles = a.Roles, UserId = a.ServiceAccountId,
                };
            }).ToList();
            var ids = group.Select(a => a.ServiceAccountId).ToHashSet();
            organizations.Add(new PersonalOrganization
            {
                OrgId = group.Key, Name = org?.Name ?? group.Key, Status = org?.Status ?? TenantStatus.Active, Workspaces = here,
                Roles = [.. members.Where(m => ids.Contains(m.ActorId) || m.ActorId == email).Select(m => m.Role).Concat(group.SelectMany(a => a.Roles)).Distinct()],
            });
            workspaces.AddRange(here);
        }
        var current = workspaces.FirstOrDefault(w => w.UserId == currentAccountId) ?? workspaces.FirstOrDefault()
                      ?? throw ProtocolException.NotFound("workspace", $"for {email}: not bound to an organization/workspace context");
        var account = accounts.First(a => a.ServiceAccountId == current.UserId);
        return new PersonalContext
        {
            Context = new PersonalSelection { OrgId = current.OrgId, WorkspaceId = current.WorkspaceId },
            Account = new PersonalAccount { Email = email, UserId = account.ServiceAccountId, DisplayName = account.DisplayName },
            SelectedOrganization = organizations.First(o => o.OrgId == current.OrgId),
            SelectedWorkspace = current,
            Guidance = new PersonalGuidance { WorkspaceCount = workspaces.Count },
            Organizations = organizations,
            Workspaces = workspaces,
        };
    }
}
