using System.Text.Json.Nodes;
using Axme.Contracts;
using Wire = Axme.Contracts;

namespace Axme.Grains.Interfaces.Intents;

/// <summary>
/// The grain's records as the wire contract's (src/Contracts): the one mapping from what an intent holds to what
/// every reader gets — the REST API, the SSE streams, MCP, http deliveries and webhook payloads.
/// </summary>
public static class IntentWire
{
    /// <summary>The intent object (PROTOCOL §5.1.6).</summary>
    public static Wire.Intent ToWire(this IntentRecord i) => new()
    {
        IntentId = i.IntentId.ToString(),
        Status = i.Status,
        LifecycleStatus = i.Status, // read by the CLI and the examples (PROTOCOL §5.1.6)
        WaitingReason = i.WaitingReason,
        LifecycleWaitingReason = i.WaitingReason,
        IntentType = i.IntentType,
        CorrelationId = i.CorrelationId,
        FromAgent = i.FromAgent,
        ToAgent = i.ToAgent,
        ReplyTo = i.ReplyTo,
        Payload = Object(i.PayloadJson),
        CreatedAt = i.CreatedAt,
        UpdatedAt = i.UpdatedAt,
        DeadlineAt = i.DeadlineAt,
        DueAt = i.EffectiveDeadline,
        RemindAfterSeconds = i.RemindAfterSeconds,
        RemindIntervalSeconds = i.RemindIntervalSeconds,
        MaxReminders = i.MaxReminders,
        RemindCount = i.RemindCount,
        EscalateTo = i.EscalateTo,
        MaxDeliveryAttempts = i.MaxDeliveryAttempts,
        DeliveryAttempt = i.DeliveryAttempt,
        HumanTask = Object(i.HumanTaskJson),
        RuntimeType = i.RuntimeType,
        RuntimeConfig = Object(i.RuntimeConfigJson),
        WakeAt = i.WakeAt,
        AnsweredBy = i.AnsweredBy,
        PendingWith = i.PendingWith.ToWire(),
        Handler = i.Handler,
        Result = Node(i.ResultJson),
        Error = Node(i.ErrorJson),
        Reason = i.Reason,
        PolicyGeneration = i.PolicyGeneration,
        Controls = Object(i.ControlsJson),
        Policy = new IntentPolicy { Envelope = Object(i.EnvelopeJson), Grants = Object(i.GrantsJson) },
        LastSeq = i.LastSeq,
        OrgId = i.OrgId,
        WorkspaceId = i.WorkspaceId,
    };

    /// <summary>The event object (PROTOCOL §5.1.5); details is always an object.</summary>
    public static Wire.IntentEvent ToWire(this IntentEvent e) => new()
    {
        IntentId = e.IntentId.ToString(),
        Seq = e.Seq,
        EventType = e.EventType,
        Status = e.Status,
        At = e.At,
        WaitingReason = e.WaitingReason,
        PendingWith = e.PendingWith.ToWire(),
        Handler = e.Handler,
        Actor = e.Actor,
        Details = Object(e.DetailsJson) ?? [],
        HumanTask = Object(e.HumanTaskJson),
        ActorTokenIssuer = e.ActorTokenIssuer, // an extension: who spoke for the actor
    };

    /// <summary>Who holds the intent, as <c>{type, ref, name}</c>.</summary>
    public static Wire.PendingWith? ToWire(this PendingWith? p) =>
        p is null ? null : new Wire.PendingWith { Type = p.Type, Ref = p.Ref, Name = p.Name };

    /// <summary>The intent event as a webhook subscriber receives it.</summary>
    public static LifecycleEvent Lifecycle(IntentRecord intent, IntentEvent e) => new()
    {
        IntentId = intent.IntentId.ToString(),
        Seq = e.Seq,
        EventType = e.EventType,
        Status = e.Status,
        At = e.At,
        IntentType = intent.IntentType,
        CorrelationId = intent.CorrelationId,
        FromAgent = intent.FromAgent,
        ToAgent = intent.ToAgent,
        Actor = e.Actor,
        Details = Object(e.DetailsJson) ?? [],
    };

    /// <summary>Results and errors are objects when the API takes them, but a handler's answer may be any JSON value.</summary>
    private static JsonNode? Node(string? json) => json is null ? null : JsonNode.Parse(json);

    /// <summary>An object member of the wire; "{}" (an intent's usual controls, envelope and grants) without a parse.</summary>
    private static JsonObject? Object(string? json) => json is null ? null : json == "{}" ? [] : JsonNode.Parse(json)?.AsObject();
}
