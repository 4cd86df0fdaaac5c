using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Inbox;

namespace Axme.Api.Inbox;

/// <summary>Threads as the wire contract's thread object (PROTOCOL §7.6; extra members are allowed there).</summary>
public static class InboxWire
{
    public static Contracts.InboxThread ToWire(this InboxThread t) => new()
    {
        ThreadId = t.ThreadId.ToString(),
        IntentId = t.IntentId.ToString(),
        Status = t.Status,
        OwnerAgent = t.OwnerAgent,
        FromAgent = t.FromAgent,
        ToAgent = t.ToAgent,
        CreatedAt = t.CreatedAt,
        UpdatedAt = t.UpdatedAt,
        ReadAt = t.ReadAt,
        IntentType = t.IntentType,
        OrgId = t.OrgId,
        WorkspaceId = t.WorkspaceId,
        Timeline = [.. t.Timeline.Select(ToWire)],
    };

    private static Contracts.InboxTimelineItem ToWire(InboxTimelineItem i)
    {
        var message = i.EventType == InboxEventType.MessageSent;
        return new()
        {
            EventId = i.EventId.ToString(),
            EventType = i.EventType,
            Actor = i.Actor,
            At = i.At,
            Details = JsonNode.Parse(i.DetailsJson) as JsonObject ?? [],
            MessageId = message ? i.EventId.ToString() : null,
            Deleted = message ? i.Deleted : null,
        };
    }
}
