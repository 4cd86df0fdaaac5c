using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Inbox;
using InboxThreadList = Axme.Contracts.InboxThreadList;

namespace Axme.Api.Inbox;

/// <summary>
/// Inbox threads (PROTOCOL §5.7, §6.6): who a thread is read as, its grain, listing; for REST (InboxEndpoints) and the MCP tools.
/// </summary>
public static class InboxOperations
{
    /// <summary>PROTOCOL §13 D31: [spec] caps replies at 5000 characters, [oas] at 131072; accept the larger.</summary>
    public const int MaxMessageLength = 131072;

    /// <summary>A thread status filter (pending, active, done), or 422.</summary>
    public static string? ThreadStatus(string? raw)
    {
        var status = raw?.ToLowerInvariant();
        return status is null || InboxThreadStatus.All.Contains(status)
            ? status
            : throw ProtocolException.Invalid("status", "status must be one of pending, active, done", "invalid_status");
    }

    public static async Task<InboxThreadList> ListAsync(InboxQueries queries, InboxFilter filter, int limit, CancellationToken ct)
    {
        var threads = await queries.ListAsync(filter, limit, ct);
        return new InboxThreadList { Threads = [.. threads.Select(t => t.ToWire())] };
    }

    /// <summary>The thread grain for a path id; a non-UUID id is refused with a 422 naming it.</summary>
    public static IInboxThreadGrain Grain(IGrainFactory grains, string threadId) =>
        Guid.TryParse(threadId, out var id)
            ? grains.GetGrain<IInboxThreadGrain>(id)
            : throw ProtocolException.Invalid("thread_id", $"thread_id must be a UUID: {threadId}", "invalid_thread_id");

    public static InboxScope Scope(Caller caller, string? ownerAgent)
    {
        // An inbox's threads are its owner's: acting for another owner, in any workspace, is an admin's (ADR 017).
        if (ownerAgent is not null && ownerAgent != caller.AgentAddress && !caller.IsAdmin)
            throw new ProtocolException(403, "not_thread_owner", "owner_agent must be the caller's own agent (or an admin key's)",
                new Dictionary<string, string> { ["field"] = "owner_agent" });
        return new(caller, ownerAgent ?? (caller.IsAdmin ? null : caller.AgentAddress));
    }
}
