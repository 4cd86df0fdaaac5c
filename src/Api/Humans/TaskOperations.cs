using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Api.Intents;
using Axme.Contracts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Humans;

/// <summary>
/// Human tasks as the caller sees them (PROTOCOL §7.3), for REST (TaskEndpoints), the MCP tools and the web inbox.
/// </summary>
public static class TaskOperations
{
    public const int MaxTasks = 500;

    public static async Task<JsonObject> MyTasksAsync(IntentQueries queries, Caller caller, CancellationToken ct)
    {
        var tasks = (await queries.PendingTasksAsync(caller, MaxTasks, ct)).Select(i => (JsonNode)Task(i));
        return Wire.Ok(("tasks", new JsonArray([.. tasks])));
    }

    /// <summary>A task as §7.3 shows it, plus its approval id and who it waits for.</summary>
    public static JsonObject Task(IntentRecord i) => new()
    {
        ["intent_id"] = i.IntentId.ToString(),
        ["approval_id"] = i.IntentId.ToString(),
        ["intent_type"] = i.IntentType,
        ["status"] = i.Status,
        ["from_agent"] = i.FromAgent,
        ["to_agent"] = i.ToAgent,
        ["assigned_at"] = Wire.Time(i.WaitingSince ?? i.UpdatedAt),
        ["due_at"] = Wire.Time(i.EffectiveDeadline),
        ["pending_with"] = i.PendingWith.ToWire() is { } holder ? AxpJson.Node(holder) : null,
        ["human_task"] = Wire.Json(i.HumanTaskJson),
        ["payload"] = Wire.Json(i.PayloadJson),
    };
}
