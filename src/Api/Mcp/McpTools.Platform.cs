using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Api.Humans;
using Axme.Api.Sessions;
using Axme.Api.Usage;
using Axme.Contracts;
using Microsoft.Extensions.Options;

namespace Axme.Api.Mcp;

/// <summary>The tools of quotas and usage (docs/adr/029), sessions (ADR 027), invitations and access requests (ADR 030) and nicks, on the REST operations.</summary>
public static partial class McpTools
{
    // A property, not a field: the tool list of McpTools.cs reads it while its own field is initialised.
    private static (string, JsonNode, string) WorkspaceArg => ("workspace_id", "string", "the workspace (default: the key's own; another needs an admin key)");

    /// <summary>The workspace a quota tool is about: org_id/workspace_id, else the caller's.</summary>
    private static (string OrgId, string WorkspaceId) Scope(McpCall c) =>
        Query.Workspace(c.Args.String("org_id", 255), c.Args.String("workspace_id", 255), c.Caller);

    private static McpTool[] PlatformTools() =>
    [
        new("axme.quota_show", "The workspace's quota policy and its counts against each limit (window: day, week or month)", [],
            [OrgId, WorkspaceArg, ("window", "string", "day (default), week or month")],
            async c =>
            {
                var quotas = c.Services.GetRequiredService<QuotaOperations>();
                var ws = Scope(c);
                return new JsonObject
                {
                    ["ok"] = true,
                    ["quota_policy"] = AxpJson.Node((await quotas.GetAsync(ws)).QuotaPolicy),
                    ["usage_summary"] = AxpJson.Node(await quotas.SummaryAsync(ws, c.Args.String("window", 16) ?? "day", c.Aborted)),
                };
            }),
        new("axme.quota_update", "Set a workspace's limits by dimension (admin keys); dimensions not given are kept", ["dimensions"],
            [OrgId, WorkspaceArg, ("dimensions", "object", "limits by dimension name, e.g. {\"intents_per_day\": 50000}"),
             ("hard_enforcement", "boolean", "whether limits refuse"), ("overage_mode", "string", "block, grace or bill_overage"),
             ("soft_threshold_percent", "integer", "warning threshold, 1-100")],
            async c => AxpJson.Node(await c.Services.GetRequiredService<QuotaOperations>().UpdateAsync(c.Caller, c.Args))) { Audit = ("quota.update", "workspace", "workspace_id") },
        new("axme.usage_timeseries", "The workspace's daily counts of the last days, oldest first", [],
            [OrgId, WorkspaceArg, ("window_days", "integer", "days, today included (1-90, default 30)")],
            async c => AxpJson.Node(new UsageSeriesResponse
            {
                Series = await c.Services.GetRequiredService<QuotaOperations>().SeriesAsync(Scope(c),
                    c.Args.Int("window_days", 1, QuotaOperations.MaxWindowDays) ?? 30, c.Aborted),
            })),
        new("axme.sessions_list", "The signed-in person's sessions, newest first (a session's token, not an API key)", [],
            [("include_revoked", "boolean", "ended ones too")],
            async c => AxpJson.Node(await c.Services.GetRequiredService<SessionOperations>().ListAsync(c.Caller, c.Args.Bool("include_revoked") ?? false))),
        new("axme.sessions_revoke", "End one of the signed-in person's sessions", ["session_id"],
            [("session_id", "string", "the session (ses_…)")],
            async c => AxpJson.Node(await c.Services.GetRequiredService<SessionOperations>().RevokeAsync(c.Caller, c.Args.String("session_id", 64, required: true)!)))
            { Audit = ("auth.session.revoke", "session", "session_id") },
        new("axme.invites_create", "Invite a person into the key's workspace: the token and accept link (an e-mail recipient_hint gets it mailed)", [],
            [("owner_agent", "string", "the inviting agent (default: the key's own)"), ("recipient_hint", "string", "an e-mail address or a name"),
             ("ttl_seconds", "integer", "how long it can be accepted, 60 s to 30 days (default 7 days)")],
            async c => AxpJson.Node(await InviteEndpoints.CreateAsync(c.Http, c.Grains, c.Services.GetRequiredService<IOptions<ApiOptions>>().Value,
                c.Services.GetRequiredService<TimeProvider>(), c.Caller, c.Args))) { Audit = ("invite.create", "invite", null) },
        new("axme.access_requests_create", "Ask to have an organization made, to join one, or for a higher role", ["request_type"],
            [("request_type", "string", "create_organization, join_organization or elevated_role"), ("requester_actor_id", "string", "who asks (default: the key's account)"),
             OrgId, WorkspaceArg, ("requested_role", "string", "the role asked for"), ("company_name", "string", "the new organization's name"),
             ("justification", "string", "why")],
            async c => AxpJson.Node(await Tenancy.AccessRequestEndpoints.CreateAsync(c.Grains, c.Services.GetRequiredService<TimeProvider>(), c.Caller, c.Args)))
            { Audit = ("access_request.create", "access_request", null) },
        new("axme.access_requests_list", "The access requests the key may review, and its own, newest first", [],
            [("org_id", "string", "only this organization's"), ("workspace_id", "string", "only this workspace's"),
             ("state", "string", "pending, under_review, approved, rejected, waitlisted or expired")],
            async c => AxpJson.Node(await Tenancy.AccessRequestEndpoints.ListAsync(c.Grains, c.Services.GetRequiredService<TimeProvider>(), c.Caller,
                c.Args.String("org_id", 255), c.Args.String("workspace_id", 255), c.Args.String("state", 32)))),
        new("axme.access_requests_review", "Approve (it takes effect), reject or waitlist an access request", ["access_request_id", "decision"],
            [("access_request_id", "string", "the request"), ("decision", "string", "approve, reject or waitlist"),
             ("reviewer_actor_id", "string", "who reviews (default: the key's account)"), ("review_comment", "string", "why")],
            async c => AxpJson.Node(await Tenancy.AccessRequestEndpoints.ReviewAsync(c.Grains, c.Services.GetRequiredService<TimeProvider>(), c.Caller,
                c.Args.String("access_request_id", 64, required: true)!, c.Args))) { Audit = ("access_request.review", "access_request", "access_request_id") },
        new("axme.check_nick", "Whether a nick is free, and the public address it would give", ["nick"],
            [("nick", "string", "the nick, e.g. @ada")],
            async c => AxpJson.Node(await NickEndpoints.CheckAsync(c.Grains, c.Caller, c.Services.GetRequiredService<IOptions<ApiOptions>>().Value,
                c.Args.String("nick", 255)))),
        new("axme.resolve_nick", "Who holds a nick: their agent address and display name (e-mail and phone within their workspace)", ["nick"],
            [("nick", "string", "the nick, e.g. @ada")],
            async c => AxpJson.Node(await NickEndpoints.ResolveAsync(c.Grains, c.Caller, c.Services.GetRequiredService<IOptions<ApiOptions>>().Value,
                c.Args.String("nick", 255)))),
    ];
}
