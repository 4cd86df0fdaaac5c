using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Deliveries;

/// <summary>Delivery records (PROTOCOL §12 "Deliveries", docs/adr/025): list, one with its attempts, replay, submit, reconcile, counts.</summary>
public static class DeliveryEndpoints
{
    public static RouteGroupBuilder MapDeliveryEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/deliveries").WithTags("Deliveries");
        g.MapGet("", List).WithName("ListDeliveries").WithSummary("The workspace's deliveries, newest first (principal_id, status, limit, cursor)");
        g.MapPost("", Submit).Accepts<DeliverySubmitRequest>("application/json").WithName("SubmitDelivery")
            .WithSummary("Deliver a payload to an alias or a principal (an intent of type axme.delivery.v1)");
        g.MapGet("/{delivery_id}", Get).WithName("GetDelivery").WithSummary("A delivery with every attempt");
        g.MapPost("/{delivery_id}/replay", Replay).WithName("ReplayDelivery")
            .WithSummary("Deliver a finished delivery's payload again to its principal: a new delivery naming the original (Idempotency-Key makes it idempotent)");
        g.MapPost("/reconcile", Reconcile).Accepts<DeliveryReconcileRequest>("application/json").AddEndpointFilter<IdempotencyFilter>().WithName("ReconcileDeliveries")
            .WithSummary("Dead-letter deliveries never handed out for longer than max_pending_age_seconds");
        v1.MapGet("/deliveries-operations", Operations).WithTags("Deliveries").WithName("DeliveryOperations")
            .WithSummary("The workspace's deliveries changed in the last window_hours, by status");
        return v1;
    }

    public static async Task<Ok<DeliveryList>> List(HttpContext http, DeliveryService deliveries) =>
        TypedResults.Ok(await deliveries.ListAsync(ApiKeyAuthFilter.CallerOf(http), http.Request.Query, http.RequestAborted));

    public static async Task<Ok<DeliveryResponse>> Get(HttpContext http, string delivery_id, DeliveryService deliveries) =>
        TypedResults.Ok(await deliveries.GetAsync(ApiKeyAuthFilter.CallerOf(http), delivery_id, http.RequestAborted));

    public static async Task<Ok<DeliveryResponse>> Replay(HttpContext http, string delivery_id, DeliveryService deliveries)
    {
        await RequestBody.ReadAsync(http); // none is needed; one that is not JSON is refused like anywhere else
        return TypedResults.Ok(await deliveries.ReplayAsync(ApiKeyAuthFilter.CallerOf(http), delivery_id, Idempotency.Key(http.Request), http.RequestAborted));
    }

    public static async Task<Ok<DeliveryResponse>> Submit(HttpContext http, DeliveryService deliveries) =>
        TypedResults.Ok(await deliveries.SubmitAsync(ApiKeyAuthFilter.CallerOf(http), await RequestBody.ReadAsync(http), Idempotency.Key(http.Request), http.RequestAborted));

    public static async Task<Ok<DeliveryReconciled>> Reconcile(HttpContext http, DeliveryService deliveries) =>
        TypedResults.Ok(await deliveries.ReconcileAsync(ApiKeyAuthFilter.CallerOf(http), await RequestBody.ReadAsync(http), http.RequestAborted));

    public static async Task<Ok<DeliveryOperationsSummary>> Operations(HttpContext http, DeliveryService deliveries) =>
        TypedResults.Ok(await deliveries.OperationsAsync(ApiKeyAuthFilter.CallerOf(http), http.Request.Query, http.RequestAborted));
}
