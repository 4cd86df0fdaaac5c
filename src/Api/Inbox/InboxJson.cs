using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Inbox;

namespace Axme.Api.Inbox;

/// <summary>Renders threads as the protocol's thread object (PROTOCOL §7.6); extra members are allowed there.</summary>
public static class InboxJson
{
    public static JsonObject Thread(InboxThread t) => new()
    {
        ["thread_id"] = t.ThreadId.ToString(),
        ["intent_id"] = t.IntentId.ToString(),
        ["status"] = t.Status,
        ["owner_agent"] = t.OwnerAgent,
        ["from_agent"] = t.FromAgent,
        ["to_agent"] = t.ToAgent,
        ["created_at"] = Wire.Time(t.CreatedAt),
        ["updated_at"] = Wire.Time(t.UpdatedAt),
        ["read_at"] = Wire.Time(t.ReadAt),
        ["intent_type"] = t.IntentType,
        ["org_id"] = t.OrgId,
        ["workspace_id"] = t.WorkspaceId,
        ["timeline"] = new JsonArray([.. t.Timeline.Select(Item)]),
    };

    private static JsonNode Item(InboxTimelineItem i)
    {
        var o = new JsonObject
        {
            ["event_id"] = i.EventId.ToString(),
            ["event_type"] = i.EventType,
            ["actor"] = i.Actor,
            ["at"] = Wire.Time(i.At),
            ["details"] = Wire.Json(i.DetailsJson) ?? new JsonObject(),
        };
        if (i.EventType == InboxEventType.MessageSent)
        {
            o["message_id"] = i.EventId.ToString();
            o["deleted"] = i.Deleted;
        }
        return o;
    }
}
