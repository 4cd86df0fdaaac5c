using System.Text.Json.Nodes;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Intents;

/// <summary>The core intent API over HTTP (PROTOCOL §5): each handler reads the request and calls IntentOperations or the intent grain.</summary>
public static partial class IntentEndpoints
{
    public static RouteGroupBuilder MapIntentEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/intents").WithTags("Intents");
        g.MapPost("", Create).Accepts<CreateIntentRequest>("application/json").WithName("CreateIntent").WithSummary("Create (send) an intent");
        g.MapGet("", IntentListEndpoint.List).WithName("ListIntents").WithSummary("List the workspace's intents");
        g.MapPost("/bulk-cancel", IntentListEndpoint.BulkCancel).Accepts<BulkCancelRequest>("application/json").AddEndpointFilter<IdempotencyFilter>().WithName("BulkCancelIntents").WithSummary("Cancel inactive intents");
        g.MapGet("/{intent_id}", Get).WithName("GetIntent").WithSummary("Get an intent");
        g.MapGet("/{intent_id}/deliveries", Deliveries).WithName("GetIntentDeliveries").WithSummary("The intent's delivery to its handler: id, attempt, and every webhook attempt (extension)");
        g.MapGet("/{intent_id}/events", Events).WithName("ListIntentEvents").WithSummary("List an intent's events after a cursor");
        g.MapGet("/{intent_id}/events/stream", IntentStreamEndpoint.Stream).WithName("StreamIntentEvents")
            .Produces<Contracts.IntentEvent>(200, "text/event-stream")
            .WithSummary("Stream an intent's events (SSE)")
            .WithDescription("Server-Sent Events: one message per event (id = seq, event = event_type, data = an IntentEvent), " +
                "keepalive comments, and a last 'stream.timeout' message whose data is a StreamTimeout {next_seq}; resume with ?since=.");
        g.MapPost("/{intent_id}/resolve", Resolve).Accepts<ResolveIntentRequest>("application/json").WithName("ResolveIntent").WithSummary("Terminal transition");
        g.MapPost("/{intent_id}/resume", Resume).Accepts<System.Text.Json.Nodes.JsonObject>("application/json").WithName("ResumeIntent").WithSummary("Continue, answer a human task or report a handler result");
        g.MapPost("/{intent_id}/acknowledge", Acknowledge).WithName("AcknowledgeIntent").WithSummary("The handler confirms receipt of a delivery (DELIVERED → ACKNOWLEDGED)");
        g.MapPost("/{intent_id}/progress", Progress).Accepts<ProgressRequest>("application/json").WithName("ReportIntentProgress").WithSummary("The handler reports progress (IN_PROGRESS, intent.in_progress with details.progress; extension)");
        g.MapPost("/{intent_id}/controls", Controls).Accepts<ControlsPatchRequest>("application/json").WithName("PatchIntentControls").WithSummary("Patch controls (compare-and-set on policy_generation)");
        g.MapPost("/{intent_id}/policy", Policy).Accepts<PolicyPatchRequest>("application/json").WithName("PatchIntentPolicy").WithSummary("Patch policy (compare-and-set on policy_generation)");
        return v1;
    }

    public static async Task<Ok<IntentCreated>> Create(HttpContext http, IGrainFactory grains, NewIntents fresh) =>
        TypedResults.Ok(await IntentOperations.CreateAsync(grains, fresh, ApiKeyAuthFilter.CallerOf(http), await RequestBody.ReadAsync(http), Idempotency.Key(http.Request)));

    public static async Task<Ok<IntentResponse>> Get(HttpContext http, string intent_id, IGrainFactory grains)
    {
        var intent = await IntentOperations.Grain(grains, intent_id).GetAsync(ApiKeyAuthFilter.CallerOf(http));
        return TypedResults.Ok(new IntentResponse { Intent = intent.ToWire() });
    }

    public static async Task<Ok<IntentDeliveries>> Deliveries(HttpContext http, string intent_id, IGrainFactory grains)
    {
        var intent = await IntentOperations.Grain(grains, intent_id).GetAsync(ApiKeyAuthFilter.CallerOf(http));
        var deliveryId = Grains.Interfaces.Delivery.DeliveryIds.ForIntent(intent.IntentId);
        var webhook = await grains.GetGrain<Grains.Interfaces.Delivery.IDeliveryGrain>(deliveryId).GetAsync();
        return TypedResults.Ok(new IntentDeliveries
        {
            IntentId = intent.IntentId.ToString(),
            DeliveryId = deliveryId,
            DeliveryAttempt = intent.DeliveryAttempt,
            Deliveries = webhook is null ? [] : [Webhooks.WebhookWire.ToWire(webhook)],
        });
    }

    /// <summary>The largest page of GET …/events, and its default: one intent keeps at most 10,000 events.</summary>
    private const int MaxEventPage = 1000;

    public static async Task<Ok<IntentEventsPage>> Events(HttpContext http, string intent_id, IGrainFactory grains)
    {
        var since = Query.Int(http.Request, "since", 0) ?? 0;
        var limit = Query.Int(http.Request, "limit", 1, MaxEventPage) ?? MaxEventPage;
        var events = await IntentOperations.Grain(grains, intent_id).GetEventsAsync(ApiKeyAuthFilter.CallerOf(http), since);
        // A page at a time (ADR 017 §8): next_since is where the next page starts (the last seq sent).
        var page = events.Take(limit).ToArray();
        var more = events.Count > page.Length;
        return TypedResults.Ok(new IntentEventsPage { Events = [.. page.Select(IntentWire.ToWire)], HasMore = more, NextSince = more ? page[^1].Seq : null });
    }

    public static async Task<Ok<IntentWriteResponse>> Resolve(HttpContext http, string intent_id, IGrainFactory grains) =>
        TypedResults.Ok(IntentOperations.ResolveResponse(await WriteAsync(http, intent_id, grains, "resolve", IntentOperations.ResolveWrite)));

    public static async Task<Ok<IntentWriteResponse>> Resume(HttpContext http, string intent_id, IGrainFactory grains, Media.MediaOperations media) =>
        TypedResults.Ok(IntentOperations.WriteResponse(await WriteAsync(http, intent_id, grains, "resume", async (body, caller, grain, token) =>
        {
            await media.CheckEvidenceAsync(caller, body.Root["task_result"], http.RequestAborted);
            return await IntentOperations.ResumeWrite(body, caller, grain, token);
        })));

    public static async Task<Ok<IntentWriteResponse>> Acknowledge(HttpContext http, string intent_id, IGrainFactory grains)
    {
        var result = await WriteAsync(http, intent_id, grains, "acknowledge", (_, caller, grain, token) => grain.AcknowledgeAsync(caller, token));
        return TypedResults.Ok(IntentOperations.WriteResponse(result));
    }

    public static async Task<Ok<IntentWriteResponse>> Progress(HttpContext http, string intent_id, IGrainFactory grains)
    {
        var result = await WriteAsync(http, intent_id, grains, "progress", (body, caller, grain, token) =>
        {
            body.String("message", 2000);
            body.Number("percent", 0, 100);
            body.Object("details");
            return grain.ProgressAsync(caller, body.Root.ToJsonString(), token);
        });
        return TypedResults.Ok(IntentOperations.WriteResponse(result));
    }

    public static Task<Ok<IntentWriteResponse>> Controls(HttpContext http, string intent_id, IGrainFactory grains) =>
        Patch(http, intent_id, grains, "controls", body => new PatchCommand
        {
            ControlsPatchJson = body.Object("controls_patch", required: true),
        });

    public static Task<Ok<IntentWriteResponse>> Policy(HttpContext http, string intent_id, IGrainFactory grains) =>
        Patch(http, intent_id, grains, "policy", body =>
        {
            var command = new PatchCommand
            {
                GrantsPatchJson = body.Object("grants_patch"),
                EnvelopePatchJson = body.Object("envelope_patch"),
            };
            return command.GrantsPatchJson is null && command.EnvelopePatchJson is null
                ? throw ProtocolException.Invalid("envelope_patch", "grants_patch or envelope_patch is required", "missing_field")
                : command;
        });

    private static async Task<Ok<IntentWriteResponse>> Patch(HttpContext http, string intentId, IGrainFactory grains, string endpoint, Func<RequestBody, PatchCommand> read)
    {
        var result = await WriteAsync(http, intentId, grains, endpoint, (body, caller, grain, token) =>
            grain.PatchAsync(caller, read(body) with
            {
                Actor = body.String("actor", 255),
                Reason = body.String("reason", 2000),
                ExpectedPolicyGeneration = body.Int("expected_policy_generation", 0),
            }, token));
        return TypedResults.Ok(IntentOperations.WriteResponse(result) with { Intent = null });
    }

    /// <summary>The shared shape of every write on an intent: caller, grain, body, Idempotency-Key, then the grain call.</summary>
    private static async Task<IntentWriteResult> WriteAsync(HttpContext http, string intentId, IGrainFactory grains, string endpoint,
        Func<RequestBody, Caller, IIntentGrain, IdempotencyToken?, Task<IntentWriteResult>> write)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        caller = IntentOperations.Acting(caller, Query.OwnerAgentInWorkspace(http.Request, caller));
        var grain = IntentOperations.Grain(grains, intentId);
        var body = await RequestBody.ReadAsync(http);
        return await write(body, caller, grain, Idempotency.Token(http.Request, caller, $"POST /v1/intents/{intentId}/{endpoint}", body));
    }
}
