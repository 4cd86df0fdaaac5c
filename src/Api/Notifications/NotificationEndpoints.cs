using System.Text.Json.Nodes;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Api.Intents;
using Axme.Api.Webhooks;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Notifications;

namespace Axme.Api.Notifications;

/// <summary>Read-only view of the notifications sent about an intent (extension; docs/adr/008).</summary>
public static class NotificationEndpoints
{
    public static RouteGroupBuilder MapNotificationEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/intents/{intent_id}/notifications", List).WithTags("Intents")
            .WithSummary("The e-mails and chat webhook posts sent about an intent, with every attempt (extension)");
        return v1;
    }

    public static async Task<IResult> List(HttpContext http, string intent_id, IGrainFactory grains)
    {
        // Reading the intent first applies its access rules (another workspace is refused, as for the intent).
        var intent = await IntentOperations.Grain(grains, intent_id).GetAsync(ApiKeyAuthFilter.CallerOf(http));
        var ids = await grains.GetGrain<INotificationLogGrain>(intent.IntentId).ListAsync();
        var records = await Task.WhenAll(ids.Select(id => grains.GetGrain<IDeliveryGrain>(id).GetAsync()));
        return TypedResults.Json(Wire.Ok(("intent_id", intent.IntentId.ToString()),
            ("notifications", new JsonArray([.. records.OfType<DeliveryRecord>().Select(d => (JsonNode)Notification(d))]))));
    }

    private static JsonObject Notification(DeliveryRecord d)
    {
        var o = Contracts.AxpJson.Node(d.ToWire()); // a delivery with its attempts, plus what a notification adds
        o["notification_type"] = d.Job.NotificationType;
        o["channel"] = d.Job.Kind == DeliveryKinds.Email ? "email" : "webhook";
        if (d.Job.Email is { } email)
        {
            o["to"] = new JsonArray([.. email.To.Select(t => (JsonNode)t)]);
            o["subject"] = email.Subject;
        }
        if (d.Reason is { } reason) o["reason"] = reason;
        return o;
    }
}
