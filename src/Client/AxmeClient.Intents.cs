using System.Globalization;
using System.Text.Json.Nodes;

namespace Axme.Client;

public sealed partial class AxmeClient
{
    /// <summary>
    /// Sends an intent to an agent (POST /v1/intents). Returns the new intent's id, status, created_at and
    /// correlation_id (<see cref="IntentCreated"/>); <see cref="WaitForAsync"/> waits for its result. Idempotent per call (and across
    /// processes when <see cref="SendIntentOptions.IdempotencyKey"/> is given): a retried send returns the
    /// same intent.
    /// </summary>
    /// <param name="toAgent">The handler: <c>agent://org/workspace/name</c>, or a bare name in the key's workspace.</param>
    /// <param name="payload">A <see cref="JsonObject"/> or any object serializable to one (null: <c>{}</c>).</param>
    /// <param name="options">Intent type, correlation id, deadline, human task, idempotency key, …</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IntentCreated> SendIntentAsync(string toAgent, object? payload = null, SendIntentOptions? options = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toAgent);
        options ??= new SendIntentOptions();
        var request = new CreateIntentRequest
        {
            IntentType = options.IntentType ?? _options.DefaultIntentType,
            ToAgent = toAgent,
            Payload = ToObject(payload, nameof(payload)) ?? [],
            CorrelationId = options.CorrelationId ?? CorrelationFor(options.IdempotencyKey),
            ReplyTo = options.ReplyTo,
            DeadlineAt = options.DeadlineAt,
            MaxDeliveryAttempts = options.MaxDeliveryAttempts,
            HumanTask = options.HumanTask?.DeepClone().AsObject(),
            RuntimeType = options.RuntimeType,
            RuntimeConfig = options.RuntimeConfig?.DeepClone().AsObject(),
        };
        var body = AxpJson.Node(request);
        foreach (var (name, value) in options.Extra ?? []) body[name] = value?.DeepClone();
        return ContractJson.Read<IntentCreated>(await PostAsync("v1/intents", body, ct, options.IdempotencyKey));
    }

    /// <summary>The intent with everything known about it (GET /v1/intents/{id}).</summary>
    /// <param name="intentId">The intent.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<Intent> GetIntentAsync(string intentId, CancellationToken ct = default) =>
        ContractJson.Read<Intent>((await GetAsync($"v1/intents/{Seg(intentId)}", ct))["intent"]);

    /// <summary>One page of the workspace's intents, newest first (GET /v1/intents); pass <see cref="IntentPage.NextCursor"/> back as <see cref="IntentListFilter.Cursor"/>.</summary>
    /// <param name="filter">Statuses, agents, type, correlation id, limit, cursor.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IntentPage> ListIntentsAsync(IntentListFilter? filter = null, CancellationToken ct = default)
    {
        filter ??= new IntentListFilter();
        var query = Query(
            ("status", filter.Statuses is { Count: > 0 } s ? string.Join(',', s) : null),
            ("to_agent", filter.ToAgent), ("from_agent", filter.FromAgent), ("intent_type", filter.IntentType),
            ("correlation_id", filter.CorrelationId), ("limit", filter.Limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", filter.Cursor));
        return ContractJson.Read<IntentPage>(await GetAsync("v1/intents" + query, ct));
    }

    /// <summary>The intent's events with a seq greater than <paramref name="since"/>, in order (GET /v1/intents/{id}/events).</summary>
    /// <param name="intentId">The intent.</param>
    /// <param name="since">Exclusive cursor: the last seq already seen (0 for all).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<IntentEvent>> ListIntentEventsAsync(string intentId, long since = 0, CancellationToken ct = default) =>
        ContractJson.ReadList<IntentEvent>((await GetAsync($"v1/intents/{Seg(intentId)}/events?since={since}", ct))["events"]);

    /// <summary>
    /// Cancels the workspace's inactive intents (POST /v1/intents/bulk-cancel, PROTOCOL §5.11): those in one
    /// of the given non-terminal statuses not updated for <see cref="BulkCancelOptions.OlderThanHours"/>.
    /// A dry run only lists them (<see cref="BulkCancelResult.WouldCancel"/>); otherwise each gets an
    /// <c>intent.canceled</c> event with the reason. A non-admin key reaches only intents it sent or handles.
    /// </summary>
    /// <param name="options">Age, dry run, statuses, limit and reason.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<BulkCancelResult> BulkCancelIntentsAsync(BulkCancelOptions? options = null, CancellationToken ct = default)
    {
        options ??= new BulkCancelOptions();
        var request = new BulkCancelRequest
        {
            OlderThanHours = options.OlderThanHours, DryRun = options.DryRun, Reason = options.Reason, Limit = options.Limit,
            StatusFilter = options.Statuses is { Count: > 0 } statuses ? statuses : null,
        };
        return ContractJson.Read<BulkCancelResult>(await PostAsync("v1/intents/bulk-cancel", AxpJson.Node(request), ct));
    }

    /// <summary>
    /// Waits until the intent is terminal and returns it with its <see cref="Intent.Result"/> or
    /// <see cref="Intent.Error"/>, following its event stream (<see cref="ObserveAsync"/>).
    /// </summary>
    /// <param name="intentId">The intent.</param>
    /// <param name="timeout">How long to wait; null waits until <paramref name="ct"/> cancels.</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <exception cref="TimeoutException">The intent was not terminal within <paramref name="timeout"/>.</exception>
    public async Task<Intent> WaitForAsync(string intentId, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout is { } t) window.CancelAfter(t);
        try
        {
            var intent = await GetIntentAsync(intentId, window.Token);
            if (intent.IsTerminal) return intent;
            await foreach (var e in ObserveAsync(intentId, intent.LastSeq, window.Token))
                if (e.IsTerminal) break;
            return await GetIntentAsync(intentId, window.Token);
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"intent {intentId} was not terminal within {timeout}");
        }
    }

    /// <summary>Finishes the intent (POST /v1/intents/{id}/resolve): COMPLETED with a result, FAILED with an error, or CANCELED.</summary>
    /// <param name="intentId">The intent.</param>
    /// <param name="status">COMPLETED, FAILED or CANCELED.</param>
    /// <param name="result">The result of a COMPLETED intent (object or JsonObject).</param>
    /// <param name="error">The error of a FAILED intent (object or JsonObject).</param>
    /// <param name="reason">Why, in words.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IntentWriteResponse> ResolveIntentAsync(string intentId, string status, object? result = null, object? error = null, string? reason = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(status);
        var request = new ResolveIntentRequest { Status = status, Result = ToObject(result, nameof(result)), Error = ToObject(error, nameof(error)), Reason = reason };
        return await WriteAsync(intentId, "resolve", AxpJson.Node(request), ct);
    }

    /// <summary>
    /// Resumes the intent (POST /v1/intents/{id}/resume, PROTOCOL §5.8). The body decides what it means:
    /// <c>{"task_result": {…}}</c> answers a human task; only control keys (<c>approve_current_step</c>,
    /// <c>reason</c>, …) continue a waiting workflow; anything else is the handler's result
    /// (COMPLETED with it, or FAILED for <c>action: "fail"</c> / <c>outcome: "failed"</c>).
    /// </summary>
    /// <param name="intentId">The intent.</param>
    /// <param name="body">The resume body (object or JsonObject).</param>
    /// <param name="ownerAgent">Acting for this agent (admin keys; an agent key may name itself).</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<IntentWriteResponse> ResumeIntentAsync(string intentId, object body, string? ownerAgent = null, CancellationToken ct = default) =>
        WriteAsync(intentId, "resume" + Query(("owner_agent", ownerAgent)), ToNode(body) ?? new JsonObject(), ct);

    /// <summary>The handler confirms receipt of a delivery (POST /v1/intents/{id}/acknowledge; DELIVERED → ACKNOWLEDGED).</summary>
    /// <param name="intentId">The intent.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<IntentWriteResponse> AcknowledgeAsync(string intentId, CancellationToken ct = default) =>
        WriteAsync(intentId, "acknowledge", new JsonObject(), ct);

    /// <summary>The handler reports progress (POST /v1/intents/{id}/progress): IN_PROGRESS and an intent.in_progress event.</summary>
    /// <param name="intentId">The intent.</param>
    /// <param name="message">What is happening.</param>
    /// <param name="percent">0–100.</param>
    /// <param name="details">Further details (object or JsonObject).</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<IntentWriteResponse> ProgressAsync(string intentId, string? message = null, double? percent = null, object? details = null, CancellationToken ct = default)
    {
        var request = new ProgressRequest { Message = message, Percent = percent, Details = ToObject(details, nameof(details)) };
        return WriteAsync(intentId, "progress", AxpJson.Node(request), ct);
    }

    /// <summary>Patches the intent's controls (POST /v1/intents/{id}/controls), compare-and-set on the policy generation when given (409 on mismatch).</summary>
    /// <param name="intentId">The intent.</param>
    /// <param name="controlsPatch">The controls to change.</param>
    /// <param name="expectedPolicyGeneration">The generation the caller last saw, or null.</param>
    /// <param name="reason">Why.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<IntentWriteResponse> UpdateControlsAsync(string intentId, JsonObject controlsPatch, long? expectedPolicyGeneration = null, string? reason = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(controlsPatch);
        var request = new ControlsPatchRequest
        {
            ControlsPatch = controlsPatch.DeepClone().AsObject(), ExpectedPolicyGeneration = expectedPolicyGeneration, Reason = reason,
        };
        return WriteAsync(intentId, "controls", AxpJson.Node(request), ct);
    }

    /// <summary>Patches the intent's policy (POST /v1/intents/{id}/policy): its grants and/or its envelope; compare-and-set like controls.</summary>
    /// <param name="intentId">The intent.</param>
    /// <param name="grantsPatch">Grants to change, or null.</param>
    /// <param name="envelopePatch">Envelope to change, or null (one of the two is required).</param>
    /// <param name="expectedPolicyGeneration">The generation the caller last saw, or null.</param>
    /// <param name="reason">Why.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<IntentWriteResponse> UpdatePolicyAsync(string intentId, JsonObject? grantsPatch = null, JsonObject? envelopePatch = null, long? expectedPolicyGeneration = null, string? reason = null, CancellationToken ct = default)
    {
        var request = new PolicyPatchRequest
        {
            GrantsPatch = grantsPatch?.DeepClone().AsObject(), EnvelopePatch = envelopePatch?.DeepClone().AsObject(),
            ExpectedPolicyGeneration = expectedPolicyGeneration, Reason = reason,
        };
        return WriteAsync(intentId, "policy", AxpJson.Node(request), ct);
    }

    private async Task<IntentWriteResponse> WriteAsync(string intentId, string action, JsonNode body, CancellationToken ct) =>
        ContractJson.Read<IntentWriteResponse>(await PostAsync($"v1/intents/{Seg(intentId)}/{action}", body, ct));
}
