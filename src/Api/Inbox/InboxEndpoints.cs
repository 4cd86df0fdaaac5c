using System.Text.Json.Nodes;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Inbox;
using Microsoft.AspNetCore.Http.HttpResults;
using InboxChanges = Axme.Contracts.InboxChanges;
using InboxMessagesDeleted = Axme.Contracts.InboxMessagesDeleted;
using InboxThreadList = Axme.Contracts.InboxThreadList;
using InboxThreadRead = Axme.Contracts.InboxThreadRead;
using InboxThreadResponse = Axme.Contracts.InboxThreadResponse;

using Axme.Api.Usage;
using Axme.Grains.Interfaces.Tenancy;

namespace Axme.Api.Inbox;

/// <summary>Inbox threads (PROTOCOL §7.6), owner-scoped by owner_agent or x-owner-agent (§2.8).</summary>
public static class InboxEndpoints
{
    public static RouteGroupBuilder MapInboxEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/inbox").WithTags("Inbox");
        g.MapGet("", List).WithName("ListInboxThreads").WithSummary("List inbox threads (newest first)");
        g.MapGet("/changes", Changes).WithName("ListInboxChanges").WithSummary("Threads changed after a cursor");
        g.MapGet("/{thread_id}", Get).WithName("GetInboxThread").WithSummary("Get a thread");
        g.MapPost("/{thread_id}/reply", Reply).Accepts<Contracts.InboxReplyRequest>("application/json").AddEndpointFilter<IdempotencyFilter>().WithName("ReplyInInboxThread").WithSummary("Post a message into a thread").Quota(QuotaDimensions.InboxWritesPerDay);
        g.MapPost("/{thread_id}/delegate", Delegate).Accepts<Contracts.InboxDelegateRequest>("application/json").AddEndpointFilter<IdempotencyFilter>().WithName("DelegateInboxThread").WithSummary("Hand a thread to another owner").Quota(QuotaDimensions.InboxWritesPerDay);
        g.MapPost("/{thread_id}/approve", Approve).Accepts<Contracts.InboxDecisionRequest>("application/json").AddEndpointFilter<IdempotencyFilter>().WithName("ApproveInboxThread").WithSummary("Approve: the thread is done and a delivered intent completes").Quota(QuotaDimensions.InboxWritesPerDay);
        g.MapPost("/{thread_id}/reject", Reject).Accepts<Contracts.InboxDecisionRequest>("application/json").AddEndpointFilter<IdempotencyFilter>().WithName("RejectInboxThread").WithSummary("Reject: the thread is done and a delivered intent fails").Quota(QuotaDimensions.InboxWritesPerDay);
        g.MapPost("/{thread_id}/read", Read).AddEndpointFilter<IdempotencyFilter>().WithName("MarkInboxThreadRead").WithSummary("Mark a thread read");
        g.MapPost("/{thread_id}/messages/delete", DeleteMessages).Accepts<Contracts.InboxMessagesDeleteRequest>("application/json").AddEndpointFilter<IdempotencyFilter>().WithName("DeleteInboxMessages").WithSummary("Delete messages of a thread").Quota(QuotaDimensions.InboxWritesPerDay);
        return v1;
    }

    public static async Task<Ok<InboxThreadList>> List(HttpContext http, InboxQueries queries)
    {
        var status = InboxOperations.ThreadStatus(Query.String(http.Request, "status"));
        var limit = Query.Int(http.Request, "limit", 1, 500) ?? 100;
        return TypedResults.Ok(await InboxOperations.ListAsync(queries, Filter(http, status), limit, http.RequestAborted));
    }

    public static async Task<Ok<InboxChanges>> Changes(HttpContext http, InboxQueries queries)
    {
        var cursor = Query.String(http.Request, "cursor");
        var after = cursor is null ? 0 : InboxQueries.DecodeCursor(cursor);
        var limit = Query.Int(http.Request, "limit", 1, 200) ?? 50;
        var (changes, hasMore) = await queries.ChangesAsync(Filter(http, null), after, limit, http.RequestAborted);
        return TypedResults.Ok(new InboxChanges
        {
            Changes = [.. changes.Select(c => new Contracts.InboxChange { Cursor = c.Cursor, Thread = c.Thread.ToWire() })],
            NextCursor = changes.Count > 0 ? changes[^1].Cursor : cursor,
            HasMore = hasMore,
        });
    }

    public static async Task<Ok<InboxThreadResponse>> Get(HttpContext http, string thread_id, IGrainFactory grains) =>
        ThreadResult(await InboxOperations.Grain(grains, thread_id).GetAsync(ScopeOf(http)));

    public static async Task<Ok<InboxThreadResponse>> Reply(HttpContext http, string thread_id, IGrainFactory grains)
    {
        var body = await RequestBody.ReadAsync(http);
        var message = body.String("message", InboxOperations.MaxMessageLength, required: true)!;
        return ThreadResult(await InboxOperations.Grain(grains, thread_id).ReplyAsync(ScopeOf(http), message));
    }

    public static async Task<Ok<InboxThreadResponse>> Delegate(HttpContext http, string thread_id, IGrainFactory grains)
    {
        var scope = ScopeOf(http);
        var body = await RequestBody.ReadAsync(http);
        var to = body.String("delegate_to", 255, required: true)!.Trim();
        if (to.Length < 3) throw ProtocolException.Invalid("delegate_to", "delegate_to must be 3 to 255 characters");
        var note = body.String("note", 2000);
        var target = AgentAddress.Canonical(to, scope.Caller);
        // Into another workspace only as its receive policy lets in (ADR 017 §6).
        await ReceivePolicies.EnsureAllowedAsync(grains, scope.Caller, target, "delegate_to");
        return ThreadResult(await InboxOperations.Grain(grains, thread_id).DelegateAsync(scope, target, note));
    }

    public static Task<Ok<InboxThreadResponse>> Approve(HttpContext http, string thread_id, IGrainFactory grains) => Decide(http, thread_id, grains, true);

    public static Task<Ok<InboxThreadResponse>> Reject(HttpContext http, string thread_id, IGrainFactory grains) => Decide(http, thread_id, grains, false);

    public static async Task<Ok<InboxThreadRead>> Read(HttpContext http, string thread_id, IGrainFactory grains)
    {
        var thread = await InboxOperations.Grain(grains, thread_id).MarkReadAsync(ScopeOf(http));
        return TypedResults.Ok(new InboxThreadRead { ThreadId = thread.ThreadId.ToString(), ReadAt = thread.ReadAt });
    }

    public static async Task<Ok<InboxMessagesDeleted>> DeleteMessages(HttpContext http, string thread_id, IGrainFactory grains)
    {
        var body = await RequestBody.ReadAsync(http);
        var mode = body.String("mode", 16) ?? "self";
        if (mode is not ("self" or "both")) throw ProtocolException.Invalid("mode", "mode must be self or both");
        var ids = body.StringList("message_ids")?.Select(id => Guid.TryParse(id, out var g) ? g
            : throw ProtocolException.Invalid("message_ids", $"message id must be a UUID: {id}")).ToArray();
        var command = new DeleteMessagesCommand { Mode = mode, MessageIds = ids, Limit = body.Int("limit", 1, 100) ?? 100 };
        var result = await InboxOperations.Grain(grains, thread_id).DeleteMessagesAsync(ScopeOf(http), command);
        return TypedResults.Ok(new InboxMessagesDeleted
        {
            Thread = result.Thread.ToWire(),
            Mode = mode,
            DeletedCount = result.DeletedIds.Count,
            MessageIds = [.. result.DeletedIds.Select(d => d.ToString())],
        });
    }

    private static async Task<Ok<InboxThreadResponse>> Decide(HttpContext http, string threadId, IGrainFactory grains, bool approve)
    {
        var body = await RequestBody.ReadAsync(http);
        var comment = body.String("comment", 2000);
        return ThreadResult(await InboxOperations.Grain(grains, threadId).DecideAsync(ScopeOf(http), approve, comment));
    }

    private static Ok<InboxThreadResponse> ThreadResult(InboxThread thread) => TypedResults.Ok(new InboxThreadResponse { Thread = thread.ToWire() });

    /// <summary>
    /// The owner a request acts for: owner_agent (query) or x-owner-agent (header), which must agree (400
    /// otherwise); a bare name lies in the caller's workspace. Absent, a key acts for its own agent and an
    /// admin key for every owner of the workspace (null).
    /// </summary>
    public static InboxScope ScopeOf(HttpContext http)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        return InboxOperations.Scope(caller, Query.OwnerAgent(http.Request, caller));
    }

    private static InboxFilter Filter(HttpContext http, string? status)
    {
        var scope = ScopeOf(http);
        var (org, ws) = Query.Workspace(http.Request, scope.Caller);
        return new InboxFilter(org, ws, scope.OwnerAgent, status);
    }
}
