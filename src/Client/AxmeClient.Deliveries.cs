using System.Globalization;
using System.Text.Json;

namespace Axme.Client;

public sealed partial class AxmeClient
{
    // ---- delivery records (PROTOCOL §12 "Deliveries"; docs/adr/025) ----

    /// <summary>The workspace's deliveries, newest first (GET /v1/deliveries).</summary>
    /// <param name="status">submitted, pending, delivered, failed or dead_lettered, or null for all.</param>
    /// <param name="principalId">Only this principal's, or null.</param>
    /// <param name="limit">At most this many (1–500).</param>
    /// <param name="cursor">next_cursor of the previous page, or null.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<DeliveryList> ListDeliveriesAsync(string? status = null, string? principalId = null, int limit = 50, string? cursor = null, CancellationToken ct = default) =>
        ContractJson.Read<DeliveryList>(await GetAsync("v1/deliveries" + Query(("status", status), ("principal_id", principalId),
            ("limit", limit.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)), ct));

    /// <summary>A delivery with every attempt (GET /v1/deliveries/{id}).</summary>
    /// <param name="deliveryId">dlv_…</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<DeliveryResponse> GetDeliveryAsync(string deliveryId, CancellationToken ct = default) =>
        ContractJson.Read<DeliveryResponse>(await GetAsync($"v1/deliveries/{Seg(deliveryId)}", ct));

    /// <summary>Delivers a finished delivery's payload again to its principal: a new delivery naming the original (POST …/replay).</summary>
    /// <param name="deliveryId">dlv_…</param>
    /// <param name="idempotencyKey">Makes the replay idempotent (a new one by default).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<DeliveryResponse> ReplayDeliveryAsync(string deliveryId, string? idempotencyKey = null, CancellationToken ct = default) =>
        ContractJson.Read<DeliveryResponse>(await SendAsync(HttpMethod.Post, $"v1/deliveries/{Seg(deliveryId)}/replay", null, idempotencyKey ?? NewKey(), ct));

    /// <summary>Delivers a payload to an alias or a principal (POST /v1/deliveries).</summary>
    /// <param name="request">Workspace, payload and an alias or a principal id.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<DeliveryResponse> SubmitDeliveryAsync(DeliverySubmitRequest request, CancellationToken ct = default) =>
        ContractJson.Read<DeliveryResponse>(await PostAsync("v1/deliveries", JsonSerializer.SerializeToNode(request, AxpJson.Info<DeliverySubmitRequest>()), ct,
            request.IdempotencyKey));

    /// <summary>Dead-letters deliveries never handed out for longer than the request's age (POST /v1/deliveries/reconcile; an admin key).</summary>
    /// <param name="request">Workspace, age, limit and reason.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<DeliveryReconciled> ReconcileDeliveriesAsync(DeliveryReconcileRequest request, CancellationToken ct = default) =>
        ContractJson.Read<DeliveryReconciled>(await PostAsync("v1/deliveries/reconcile", JsonSerializer.SerializeToNode(request, AxpJson.Info<DeliveryReconcileRequest>()), ct));

    /// <summary>The workspace's deliveries changed in the last hours, by status (GET /v1/deliveries-operations).</summary>
    /// <param name="windowHours">The window (1–720).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<DeliveryOperationsSummary> GetDeliveryOperationsAsync(int windowHours = 24, CancellationToken ct = default) =>
        ContractJson.Read<DeliveryOperationsSummary>(await GetAsync($"v1/deliveries-operations?window_hours={windowHours.ToString(CultureInfo.InvariantCulture)}", ct));
}
