using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
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
        v1.MapGet("/intents/{intent_id}/notifications", List).WithTags("Intents").WithName("ListIntentNotifications")
            .WithSummary("The e-mails and chat webhook posts sent about an intent, with every attempt (extension)");
        return v1;
    }

    public static async Task<Ok<NotificationList>> List(HttpContext http, string intent_id, IGrainFactory grains)
    {
        // Reading the intent first applies its access rules (another workspace is refused, as for the intent).
        var intent = await IntentOperations.Grain(grains, intent_id).GetAsync(ApiKeyAuthFilter.CallerOf(http));
        var ids = await grains.GetGrain<INotificationLogGrain>(intent.IntentId).ListAsync();
        var records = await Task.WhenAll(ids.Select(id => grains.GetGrain<IDeliveryGrain>(id).GetAsync()));
        return TypedResults.Ok(new NotificationList
        {
            IntentId = intent.IntentId.ToString(),
            Notifications = [.. records.OfType<DeliveryRecord>().Select(Notification)],
        });
    }

    /// <summary>A delivery with its attempts, plus what a notification adds.</summary>
    private static NotificationDelivery Notification(DeliveryRecord d) =>
        new(d.ToWire())
        {
            NotificationType = d.Job.NotificationType,
            Channel = d.Job.Kind == DeliveryKinds.Email ? "email" : "webhook",
            To = d.Job.Email?.To,
            Subject = d.Job.Email?.Subject,
            Reason = d.Reason,
        };
}
