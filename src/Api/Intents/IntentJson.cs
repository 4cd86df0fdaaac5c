using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Intents;

/// <summary>Renders intents and events as the protocol's JSON objects (PROTOCOL §5.1.5, §5.1.6).</summary>
public static class IntentJson
{
    public static JsonObject Intent(IntentRecord i) => new()
    {
        ["intent_id"] = i.IntentId.ToString(),
        ["status"] = i.Status,
        ["lifecycle_status"] = i.Status, // read by the CLI and the examples (PROTOCOL §5.1.6)
        ["waiting_reason"] = i.WaitingReason,
        ["lifecycle_waiting_reason"] = i.WaitingReason,
        ["intent_type"] = i.IntentType,
        ["correlation_id"] = i.CorrelationId,
        ["from_agent"] = i.FromAgent,
        ["to_agent"] = i.ToAgent,
        ["reply_to"] = i.ReplyTo,
        ["payload"] = Wire.Json(i.PayloadJson),
        ["created_at"] = Wire.Time(i.CreatedAt),
        ["updated_at"] = Wire.Time(i.UpdatedAt),
        ["deadline_at"] = Wire.Time(i.DeadlineAt),
        ["due_at"] = Wire.Time(i.EffectiveDeadline),
        ["remind_after_seconds"] = i.RemindAfterSeconds,
        ["remind_interval_seconds"] = i.RemindIntervalSeconds,
        ["max_reminders"] = i.MaxReminders,
        ["remind_count"] = i.RemindCount,
        ["escalate_to"] = i.EscalateTo,
        ["max_delivery_attempts"] = i.MaxDeliveryAttempts,
        ["delivery_attempt"] = i.DeliveryAttempt,
        ["human_task"] = Wire.Json(i.HumanTaskJson),
        ["runtime_type"] = i.RuntimeType,
        ["runtime_config"] = Wire.Json(i.RuntimeConfigJson),
        ["wake_at"] = Wire.Time(i.WakeAt),
        ["answered_by"] = i.AnsweredBy,
        ["pending_with"] = PendingWith(i.PendingWith),
        ["handler"] = i.Handler,
        ["result"] = Wire.Json(i.ResultJson),
        ["error"] = Wire.Json(i.ErrorJson),
        ["reason"] = i.Reason,
        ["policy_generation"] = i.PolicyGeneration,
        ["controls"] = Wire.Json(i.ControlsJson),
        ["policy"] = new JsonObject { ["envelope"] = Wire.Json(i.EnvelopeJson), ["grants"] = Wire.Json(i.GrantsJson) },
        ["last_seq"] = i.LastSeq,
        ["org_id"] = i.OrgId,
        ["workspace_id"] = i.WorkspaceId,
    };

    public static JsonObject Event(IntentEvent e)
    {
        var o = new JsonObject
        {
            ["intent_id"] = e.IntentId.ToString(),
            ["seq"] = e.Seq,
            ["event_type"] = e.EventType,
            ["status"] = e.Status,
            ["at"] = Wire.Time(e.At),
            ["waiting_reason"] = e.WaitingReason,
            ["pending_with"] = PendingWith(e.PendingWith),
            ["handler"] = e.Handler,
            ["actor"] = e.Actor,
            ["details"] = Wire.Json(e.DetailsJson) ?? new JsonObject(),
        };
        if (e.HumanTaskJson is not null) o["human_task"] = Wire.Json(e.HumanTaskJson);
        if (e.ActorTokenIssuer is not null) o["actor_token_issuer"] = e.ActorTokenIssuer; // an extension: who spoke for the actor
        return o;
    }

    public static JsonObject? PendingWith(PendingWith? p) =>
        p is null ? null : new JsonObject { ["type"] = p.Type, ["ref"] = p.Ref, ["name"] = p.Name };
}
