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

    public static async Task<HumanTaskList> MyTasksAsync(IntentQueries queries, Caller caller, CancellationToken ct) =>
        new() { Tasks = [.. (await queries.PendingTasksAsync(caller, MaxTasks, ct)).Select(Task)] };

    /// <summary>A task as §7.3 shows it, plus its approval id and who it waits for.</summary>
    public static HumanTaskItem Task(IntentRecord i) => new()
    {
        IntentId = i.IntentId.ToString(),
        ApprovalId = i.IntentId.ToString(),
        IntentType = i.IntentType,
        Status = i.Status,
        FromAgent = i.FromAgent,
        ToAgent = i.ToAgent,
        AssignedAt = i.WaitingSince ?? i.UpdatedAt,
        DueAt = i.EffectiveDeadline,
        PendingWith = i.PendingWith.ToWire(),
        HumanTask = i.HumanTaskJson is null ? null : JsonNode.Parse(i.HumanTaskJson) as JsonObject,
        Payload = JsonNode.Parse(i.PayloadJson) as JsonObject,
    };
}
