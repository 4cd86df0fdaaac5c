using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Deliveries;

/// <summary>
/// What a delivery is on this node (docs/adr/025), read from its intent: which intents are deliveries, their status in
/// the gateway's words, and which intent statuses a status filter reads.
/// </summary>
public static class DeliveryRules
{
    public const string Submitted = "submitted", Pending = "pending", Delivered = "delivered", Failed = "failed", DeadLettered = "dead_lettered";
    public static readonly IReadOnlyList<string> All = [Submitted, Pending, Delivered, Failed, DeadLettered];
    public const string Prefix = "dlv_";

    /// <summary>An intent handed to an agent: not a human task, not a built-in step, not a scenario's parent.</summary>
    public static bool IsDelivery(IntentRecord i) => i.HumanTaskJson is null && i.RuntimeType is null && i.Workflow is null;

    /// <summary>
    /// submitted: never handed out; pending: handed out and due to be handed out again (a lease ran out, a push is
    /// retried); dead_lettered: failed with delivery_failed (its attempts ran out); failed: ended before it was ever
    /// handed out; delivered: handed out (whatever the work's outcome).
    /// </summary>
    public static string Status(IntentRecord i) =>
        i.Status is IntentStatus.Created or IntentStatus.Submitted ? (i.DeliveryAttempt > 0 ? Pending : Submitted)
        : IsDeadLettered(i) ? DeadLettered
        : i.IsTerminal && i.DeliveryAttempt == 0 ? Failed
        : Delivered;

    public static bool IsDeadLettered(IntentRecord i) => i.Status == IntentStatus.Failed && ErrorCode(i) == "delivery_failed";

    /// <summary>The error's message, for error_detail.</summary>
    public static string? ErrorDetail(IntentRecord i) => Text(Error(i)?["message"]) ?? ErrorCode(i);

    /// <summary>The intent statuses a delivery status can come from (the query's filter; the rule above decides).</summary>
    public static IReadOnlyList<string> IntentStatuses(string status) => status switch
    {
        Submitted or Pending => [IntentStatus.Created, IntentStatus.Submitted],
        DeadLettered => [IntentStatus.Failed],
        Failed => [IntentStatus.Failed, IntentStatus.Canceled, IntentStatus.TimedOut],
        _ => [.. IntentStatus.All.Where(s => s is not (IntentStatus.Created or IntentStatus.Submitted))],
    };

    public static string IdOf(Guid intentId) => Grains.Interfaces.Delivery.DeliveryIds.ForIntent(intentId);

    /// <summary>The intent of a delivery id (dlv_ and 32 hex digits), or null.</summary>
    public static Guid? IntentOf(string deliveryId) =>
        deliveryId.StartsWith(Prefix, StringComparison.Ordinal) && Guid.TryParseExact(deliveryId[Prefix.Length..], "N", out var id) ? id : null;

    private static string? ErrorCode(IntentRecord i) => Text(Error(i)?["code"]);

    private static JsonObject? Error(IntentRecord i)
    {
        if (i.ErrorJson is null) return null;
        try
        {
            return JsonNode.Parse(i.ErrorJson) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // an error written before errors were objects: no code to read
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
