using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;

namespace Axme.Api.Webhooks;

/// <summary>
/// Webhook subscriptions and events (PROTOCOL §9.1), delivered by the same signed, retried, durable
/// machinery as http agents. Owner-scoped by owner_agent (query or x-owner-agent; default: the caller's agent).
/// </summary>
public static class WebhookEndpoints
{
    private const int MaxEventTypes = 32;

    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/webhooks").WithTags("Webhooks");
        g.MapPost("/subscriptions", Upsert).AddEndpointFilter<IdempotencyFilter>().Accepts<WebhookSubscriptionRequest>("application/json")
            .WithName("UpsertWebhookSubscription").WithSummary("Create or update a subscription (key: owner_agent + callback_url)");
        g.MapGet("/subscriptions", List).WithName("ListWebhookSubscriptions").WithSummary("List subscriptions");
        g.MapDelete("/subscriptions/{subscription_id}", Revoke).WithName("RevokeWebhookSubscription").WithSummary("Revoke a subscription");
        g.MapPost("/events", Publish).AddEndpointFilter<IdempotencyFilter>().Accepts<WebhookEventRequest>("application/json")
            .WithName("PublishWebhookEvent").WithSummary("Publish an event to the owner's matching subscriptions");
        g.MapGet("/events/{event_id}", GetEvent).WithName("GetWebhookEvent").WithSummary("An event's delivery counters and every attempt (extension)");
        g.MapPost("/events/{event_id}/replay", Replay).WithName("ReplayWebhookEvent").WithSummary("Deliver an event again to every subscription whose delivery finished");
        return v1;
    }

    public static async Task<Ok<WebhookSubscriptionResponse>> Upsert(HttpContext http, IGrainFactory grains, WebhookSecrets secrets)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var owner = Query.OwnerAgentInWorkspace(http.Request, caller) ?? caller.AgentAddress;
        var body = await RequestBody.ReadAsync(http);
        var url = secrets.Url(body, "callback_url", required: true)!;
        var types = body.StringList("event_types") ?? throw ProtocolException.Invalid("event_types", "event_types is required");
        if (types.Count is 0 or > MaxEventTypes)
            throw ProtocolException.Invalid("event_types", $"event_types must list 1 to {MaxEventTypes} event types");
        if (types.FirstOrDefault(t => t.Length is < 1 or > 100 || (t.Length < 3 && t != "*")) is { } bad)
            throw ProtocolException.Invalid("event_types", $"event type '{bad}' must be 3–100 characters (or *)", "invalid_event_type");
        // Without a secret a new subscription gets a generated one, shown once in this answer (a live one keeps its own).
        var given = WebhookSecrets.Read(body, "secret");
        var secret = given ?? WebhookSecrets.Generate();
        var (ciphertext, hint) = secrets.Protect(secret);
        var id = DeterministicId.From($"webhook-subscription\n{owner}\n{url}");
        var subscription = await grains.GetGrain<IWebhookSubscriptionGrain>(id).UpsertAsync(new WebhookSubscriptionUpsert
        {
            OrgId = caller.OrgId, WorkspaceId = caller.WorkspaceId, OwnerAgent = owner, CallbackUrl = url,
            EventTypes = types.Distinct().ToArray(), Active = body.Bool("active") ?? true, Description = body.String("description", 1000),
            ProtectedSecret = ciphertext, SecretHint = hint, SecretGenerated = given is null,
        });
        var shown = given is null && subscription.ProtectedSecret == ciphertext ? secret : null;
        return TypedResults.Ok(new WebhookSubscriptionResponse { Subscription = subscription.ToWire(), Secret = shown });
    }

    public static async Task<Ok<WebhookSubscriptionList>> List(HttpContext http, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var owner = Query.OwnerAgentInWorkspace(http.Request, caller);
        var includeInactive = Query.String(http.Request, "include_inactive") is { } v
            && (bool.TryParse(v, out var b) ? b : throw ProtocolException.Invalid("include_inactive", "include_inactive must be true or false"));
        var list = await Directory(grains, caller).ListAsync(owner, includeInactive);
        return TypedResults.Ok(new WebhookSubscriptionList { Subscriptions = [.. list.Select(s => s.ToWire())] });
    }

    public static async Task<Ok<WebhookSubscriptionRevoked>> Revoke(HttpContext http, string subscription_id, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var id = Guid.TryParse(subscription_id, out var g) ? g : throw ProtocolException.Invalid("subscription_id", "subscription_id must be a UUID");
        var grain = grains.GetGrain<IWebhookSubscriptionGrain>(id);
        var existing = await grain.GetAsync();
        if (existing is null || (Query.OwnerAgentInWorkspace(http.Request, caller) is { } owner && owner != existing.OwnerAgent))
            throw ProtocolException.NotFound("subscription", subscription_id);
        if (!caller.CanAccess(existing.OrgId, existing.WorkspaceId)) throw ProtocolException.Forbidden("subscription belongs to another workspace");
        var revoked = await grain.RevokeAsync();
        return TypedResults.Ok(new WebhookSubscriptionRevoked { SubscriptionId = id.ToString(), RevokedAt = revoked!.RevokedAt!.Value });
    }

    public static async Task<Ok<WebhookEventResponse>> Publish(HttpContext http, IGrainFactory grains, TimeProvider time)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var owner = Query.OwnerAgentInWorkspace(http.Request, caller) ?? caller.AgentAddress;
        var body = await RequestBody.ReadAsync(http);
        var eventType = body.String("event_type", 100, required: true)!;
        if (eventType.Length < 3) throw ProtocolException.Invalid("event_type", "event_type must be 3–100 characters", "invalid_event_type");
        var source = body.String("source", 100, required: true)!;
        if (source.Length < 2) throw ProtocolException.Invalid("source", "source must be 2–100 characters");
        var payload = body.Object("payload") ?? "{}";
        // A retried publish with the same Idempotency-Key names the same event, so it is delivered once.
        var eventId = (Idempotency.Key(http.Request) is { } key
            ? DeterministicId.From($"webhook-event\n{caller.ServiceAccountId}\n{key}")
            : Guid.NewGuid()).ToString();
        var subscriptions = await Directory(grains, caller).MatchAsync(owner, eventType);
        var published = await grains.GetGrain<IWebhookEventGrain>(eventId).PublishAsync(new WebhookEventRecord
        {
            EventId = eventId, OrgId = caller.OrgId, WorkspaceId = caller.WorkspaceId, OwnerAgent = owner, EventType = eventType,
            Source = source, PayloadJson = payload, AcceptedAt = time.GetUtcNow(), Deliveries = new Dictionary<string, string>(),
        }, [.. subscriptions.Select(s => s.SubscriptionId)]);
        return TypedResults.Ok(published.ToWire());
    }

    public static async Task<Ok<WebhookEventResponse>> GetEvent(HttpContext http, string event_id, IGrainFactory grains)
    {
        var e = await VisibleEventAsync(http, grains, event_id);
        var deliveries = await Task.WhenAll(e.Deliveries.Keys.Select(id => grains.GetGrain<IDeliveryGrain>(id).GetAsync()));
        return TypedResults.Ok(e.ToWire() with { Deliveries = [.. deliveries.OfType<DeliveryRecord>().Select(d => d.ToWire())] });
    }

    public static async Task<Ok<WebhookEventResponse>> Replay(HttpContext http, string event_id, IGrainFactory grains)
    {
        var e = await VisibleEventAsync(http, grains, event_id);
        if (e.Deliveries.Count > 0 && e.Deliveries.Values.All(s => s == DeliveryStatus.Pending))
            throw ProtocolException.Conflict("replay_blocked", "every delivery of this event is still pending");
        return TypedResults.Ok((await grains.GetGrain<IWebhookEventGrain>(event_id).ReplayAsync()).ToWire());
    }

    private static async Task<WebhookEventRecord> VisibleEventAsync(HttpContext http, IGrainFactory grains, string eventId)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        if (eventId.Length is < 3 or > 128) throw ProtocolException.Invalid("event_id", "event_id must be 3–128 characters");
        var e = await grains.GetGrain<IWebhookEventGrain>(eventId).GetAsync();
        if (e is null || (Query.OwnerAgentInWorkspace(http.Request, caller) is { } owner && owner != e.OwnerAgent))
            throw ProtocolException.NotFound("event", eventId);
        return caller.CanAccess(e.OrgId, e.WorkspaceId) ? e : throw ProtocolException.Forbidden("event belongs to another workspace");
    }

    private static IWebhookDirectoryGrain Directory(IGrainFactory grains, Caller caller) =>
        grains.GetGrain<IWebhookDirectoryGrain>(IWebhookDirectoryGrain.KeyFor(caller.OrgId, caller.WorkspaceId));
}
