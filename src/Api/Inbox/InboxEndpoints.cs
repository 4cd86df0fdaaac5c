using System.Text.Json.Nodes;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Inbox;

namespace Axme.Api.Inbox;

/// <summary>Inbox threads (PROTOCOL §7.6), owner-scoped by owner_agent or x-owner-agent (§2.8).</summary>
public static class InboxEndpoints
{
    /// <summary>PROTOCOL §13 D31: [spec] caps replies at 5000 characters, [oas] at 131072; accept the larger.</summary>
    public const int MaxMessageLength = 131072;

    public static RouteGroupBuilder MapInboxEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/inbox").WithTags("Inbox");
        g.MapGet("", List).WithSummary("List inbox threads (newest first)");
        g.MapGet("/changes", Changes).WithSummary("Threads changed after a cursor");
        g.MapGet("/{thread_id}", Get).WithSummary("Get a thread");
        g.MapPost("/{thread_id}/reply", Reply).AddEndpointFilter<IdempotencyFilter>().WithSummary("Post a message into a thread");
        g.MapPost("/{thread_id}/delegate", Delegate).AddEndpointFilter<IdempotencyFilter>().WithSummary("Hand a thread to another owner");
        g.MapPost("/{thread_id}/approve", Approve).AddEndpointFilter<IdempotencyFilter>().WithSummary("Approve: the thread is done and a delivered intent completes");
        g.MapPost("/{thread_id}/reject", Reject).AddEndpointFilter<IdempotencyFilter>().WithSummary("Reject: the thread is done and a delivered intent fails");
        g.MapPost("/{thread_id}/read", Read).AddEndpointFilter<IdempotencyFilter>().WithSummary("Mark a thread read");
        g.MapPost("/{thread_id}/messages/delete", DeleteMessages).AddEndpointFilter<IdempotencyFilter>().WithSummary("Delete messages of a thread");
        return v1;
    }

    public static async Task<IResult> List(HttpContext http, InboxQueries queries)
    {
        var status = ThreadStatus(Query.String(http.Request, "status"));
        var limit = Query.Int(http.Request, "limit", 1, 500) ?? 100;
        return TypedResults.Json(await ListAsync(queries, Filter(http, status), limit, http.RequestAborted));
    }

    /// <summary>A thread status filter (pending, active, done), or 422.</summary>
    public static string? ThreadStatus(string? raw)
    {
        var status = raw?.ToLowerInvariant();
        return status is null || InboxThreadStatus.All.Contains(status)
            ? status
            : throw ProtocolException.Invalid("status", "status must be one of pending, active, done", "invalid_status");
    }

    public static async Task<JsonObject> ListAsync(InboxQueries queries, InboxFilter filter, int limit, CancellationToken ct)
    {
        var threads = await queries.ListAsync(filter, limit, ct);
        return Wire.Ok(("threads", new JsonArray([.. threads.Select(t => (JsonNode)InboxJson.Thread(t))])));
    }

    public static async Task<IResult> Changes(HttpContext http, InboxQueries queries)
    {
        var cursor = Query.String(http.Request, "cursor");
        var after = cursor is null ? 0 : InboxQueries.DecodeCursor(cursor);
        var limit = Query.Int(http.Request, "limit", 1, 200) ?? 50;
        var (changes, hasMore) = await queries.ChangesAsync(Filter(http, null), after, limit, http.RequestAborted);
        var list = new JsonArray([.. changes.Select(c => (JsonNode)new JsonObject { ["cursor"] = c.Cursor, ["thread"] = InboxJson.Thread(c.Thread) })]);
        return TypedResults.Json(Wire.Ok(("changes", list), ("next_cursor", changes.Count > 0 ? changes[^1].Cursor : cursor), ("has_more", hasMore)));
    }

    public static async Task<IResult> Get(HttpContext http, string thread_id, IGrainFactory grains) =>
        ThreadResult(await Grain(grains, thread_id).GetAsync(Scope(http)));

    public static async Task<IResult> Reply(HttpContext http, string thread_id, IGrainFactory grains)
    {
        var body = await RequestBody.ReadAsync(http);
        var message = body.String("message", MaxMessageLength, required: true)!;
        return ThreadResult(await Grain(grains, thread_id).ReplyAsync(Scope(http), message));
    }

    public static async Task<IResult> Delegate(HttpContext http, string thread_id, IGrainFactory grains)
    {
        var scope = Scope(http);
        var body = await RequestBody.ReadAsync(http);
        var to = body.String("delegate_to", 255, required: true)!.Trim();
        if (to.Length < 3) throw ProtocolException.Invalid("delegate_to", "delegate_to must be 3 to 255 characters");
        var note = body.String("note", 2000);
        var target = AgentAddress.Canonical(to, scope.Caller);
        // Into another workspace only as its receive policy lets in (ADR 017 §6).
        await ReceivePolicies.EnsureAllowedAsync(grains, scope.Caller, target, "delegate_to");
        return ThreadResult(await Grain(grains, thread_id).DelegateAsync(scope, target, note));
    }

    public static Task<IResult> Approve(HttpContext http, string thread_id, IGrainFactory grains) => Decide(http, thread_id, grains, true);

    public static Task<IResult> Reject(HttpContext http, string thread_id, IGrainFactory grains) => Decide(http, thread_id, grains, false);

    public static async Task<IResult> Read(HttpContext http, string thread_id, IGrainFactory grains)
    {
        var thread = await Grain(grains, thread_id).MarkReadAsync(Scope(http));
        return TypedResults.Json(Wire.Ok(("thread_id", thread.ThreadId.ToString()), ("read_at", Wire.Time(thread.ReadAt))));
    }

    public static async Task<IResult> DeleteMessages(HttpContext http, string thread_id, IGrainFactory grains)
    {
        var body = await RequestBody.ReadAsync(http);
        var mode = body.String("mode", 16) ?? "self";
        if (mode is not ("self" or "both")) throw ProtocolException.Invalid("mode", "mode must be self or both");
        var ids = body.StringList("message_ids")?.Select(id => Guid.TryParse(id, out var g) ? g
            : throw ProtocolException.Invalid("message_ids", $"message id must be a UUID: {id}")).ToArray();
        var command = new DeleteMessagesCommand { Mode = mode, MessageIds = ids, Limit = body.Int("limit", 1, 100) ?? 100 };
        var result = await Grain(grains, thread_id).DeleteMessagesAsync(Scope(http), command);
        return TypedResults.Json(Wire.Ok(
            ("thread", InboxJson.Thread(result.Thread)),
            ("mode", mode),
            ("deleted_count", result.DeletedIds.Count),
            ("message_ids", new JsonArray([.. result.DeletedIds.Select(d => (JsonNode)d.ToString())]))));
    }

    private static async Task<IResult> Decide(HttpContext http, string threadId, IGrainFactory grains, bool approve)
    {
        var body = await RequestBody.ReadAsync(http);
        var comment = body.String("comment", 2000);
        return ThreadResult(await Grain(grains, threadId).DecideAsync(Scope(http), approve, comment));
    }

    private static IResult ThreadResult(InboxThread thread) => TypedResults.Json(Wire.Ok(("thread", InboxJson.Thread(thread))));

    /// <summary>
    /// The owner a request acts for: owner_agent (query) or x-owner-agent (header), which must agree (400
    /// otherwise); a bare name lies in the caller's workspace. Absent, a key acts for its own agent and an
    /// admin key for every owner of the workspace (null).
    /// </summary>
    public static InboxScope Scope(HttpContext http)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        return Scope(caller, Query.OwnerAgent(http.Request, caller));
    }

    public static InboxScope Scope(Caller caller, string? ownerAgent)
    {
        // An inbox's threads are its owner's: acting for another owner, in any workspace, is an admin's (ADR 017).
        if (ownerAgent is not null && ownerAgent != caller.AgentAddress && !caller.IsAdmin)
            throw new ProtocolException(403, "not_thread_owner", "owner_agent must be the caller's own agent (or an admin key's)",
                new Dictionary<string, string> { ["field"] = "owner_agent" });
        return new(caller, ownerAgent ?? (caller.IsAdmin ? null : caller.AgentAddress));
    }

    private static InboxFilter Filter(HttpContext http, string? status)
    {
        var scope = Scope(http);
        var (org, ws) = Query.Workspace(http.Request, scope.Caller);
        return new InboxFilter(org, ws, scope.OwnerAgent, status);
    }

    /// <summary>The thread grain for a path id; a non-UUID id is refused with a 422 naming it.</summary>
    public static IInboxThreadGrain Grain(IGrainFactory grains, string threadId) =>
        Guid.TryParse(threadId, out var id)
            ? grains.GetGrain<IInboxThreadGrain>(id)
            : throw ProtocolException.Invalid("thread_id", $"thread_id must be a UUID: {threadId}", "invalid_thread_id");
}
