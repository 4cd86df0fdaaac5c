using System.Text.RegularExpressions;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Intents;

/// <summary>
/// What happens on an intent (PROTOCOL §5), whoever asks: the REST endpoints (IntentEndpoints) and the MCP tools both
/// call these, with a caller and a body already read; the answers are the protocol's JSON.
/// </summary>
public static partial class IntentOperations
{
    private static readonly HashSet<string> ControlKeys =
        ["approve_current_step", "actor", "reason", "expected_policy_generation", "internal_scheduler"];

    /// <summary>An intent (semantic) type: ≥ 2 dotted segments and a .vN version ([oas], the lenient one of §9.4).</summary>
    [GeneratedRegex(@"^[a-z0-9_]+(?:\.[a-z0-9_]+)+\.v[0-9]+$")]
    public static partial Regex IntentTypePattern();

    /// <summary>Validates a create body and creates the intent (REST and MCP); the idempotency key makes the id deterministic.</summary>
    public static async Task<IntentCreated> CreateAsync(IGrainFactory grains, NewIntents fresh, Caller caller, RequestBody body, string? idempotencyKey)
    {
        var command = new CreateIntentCommand
        {
            Caller = caller,
            IntentType = body.String("intent_type", 255, IntentTypePattern(), required: true)!,
            CorrelationId = body.String("correlation_id", 255) ?? Guid.NewGuid().ToString(),
            // The sender is who the key says it is (the field is deprecated in [spec]).
            FromAgent = caller.AgentAddress,
            // A built-in step (runtime_type) needs no agent; it is addressed to runtime.<type> for the record.
            ToAgent = AgentAddress.Canonical(Address(body, "to_agent", required: body.Root["runtime_type"] is null)
                ?? "runtime." + body.String("runtime_type", 32), caller),
            // Canonical like to_agent: the completion lands in this owner's inbox (GET /v1/inbox?owner_agent=…).
            ReplyTo = Address(body, "reply_to") is { } replyTo ? AgentAddress.Canonical(replyTo, caller) : null,
            PayloadJson = body.Object("payload") ?? "{}",
            DeadlineAt = body.Timestamp("deadline_at"),
            RemindAfterSeconds = body.Int("remind_after_seconds", 1),
            RemindIntervalSeconds = body.Int("remind_interval_seconds", 1),
            MaxReminders = body.Int("max_reminders", 1),
            EscalateTo = body.String("escalate_to", 383),
            MaxDeliveryAttempts = body.Int("max_delivery_attempts", 1),
            HumanTaskJson = body.Object("human_task"), // validated, defaulted and given its approval_id by the grain (HumanTasks)
            RuntimeType = body.String("runtime_type", 32),
            RuntimeConfigJson = body.Object("runtime_config"),
            RequestHash = CanonicalJson.Hash(body.Root),
        };
        var id = idempotencyKey is { } key
            ? DeterministicId.From($"{caller.ServiceAccountId}\nPOST /v1/intents\n{key}")
            : Guid.NewGuid();
        var created = await fresh.CreateAsync(grains, id, command);
        // Only fields fixed at creation, so a replay with the same Idempotency-Key returns the same body.
        return new IntentCreated
        {
            IntentId = created.Intent.IntentId.ToString(),
            Status = created.CreatedStatus,
            CreatedAt = created.Intent.CreatedAt,
            CorrelationId = created.Intent.CorrelationId,
        };
    }

    /// <summary>POST …/resolve's body to grain call (REST and the MCP cancel tool).</summary>
    public static Task<IntentWriteResult> ResolveWrite(RequestBody body, Caller caller, IIntentGrain grain, IdempotencyToken? token)
    {
        var status = body.String("status", 32, required: true)!.ToUpperInvariant();
        if (status is not (IntentStatus.Completed or IntentStatus.Failed or IntentStatus.Canceled))
            throw ProtocolException.Invalid("status", "status must be one of COMPLETED, FAILED, CANCELED", "invalid_status");
        return grain.ResolveAsync(caller, new ResolveCommand
        {
            Status = status,
            ResultJson = body.Object("result"),
            ErrorJson = body.Object("error"),
            Reason = body.String("reason", 2000),
            Actor = body.String("actor", 255),
            ExpectedPolicyGeneration = body.Int("expected_policy_generation", 0),
        }, token);
    }

    public static IntentWriteResponse ResolveResponse(IntentWriteResult result) =>
        result.Applied
            ? WriteResponse(result) with { Event = result.Event?.ToWire(), CompletionDelivery = CompletionOf(result) }
            : WriteResponse(result);

    /// <summary>POST …/resume's body to grain call (REST and the MCP task tool): task result, control or handler result.</summary>
    public static Task<IntentWriteResult> ResumeWrite(RequestBody body, Caller caller, IIntentGrain grain, IdempotencyToken? token)
    {
        var taskResult = body.Object("task_result");
        var kind = taskResult is not null ? ResumeKind.TaskResult
            : body.HasOnly(ControlKeys) ? ResumeKind.Control
            : ResumeKind.HandlerResult;
        if (kind == ResumeKind.Control) body.Bool("approve_current_step");
        var handler = kind == ResumeKind.HandlerResult;
        return grain.ResumeAsync(caller, new ResumeCommand
        {
            Kind = kind,
            BodyJson = kind == ResumeKind.TaskResult ? taskResult : body.Root.ToJsonString(),
            Reason = handler ? null : body.String("reason", 2000),
            Actor = handler ? null : body.String("actor", 255),
            ExpectedPolicyGeneration = handler ? null : body.Int("expected_policy_generation", 0),
        }, token);
    }

    /// <summary>The same write for a caller and body read elsewhere (the MCP tools).</summary>
    public static Task<IntentWriteResult> WriteAsync(IGrainFactory grains, Caller caller, string intentId, string endpoint, RequestBody body,
        string? idempotencyKey, Func<RequestBody, Caller, IIntentGrain, IdempotencyToken?, Task<IntentWriteResult>> write) =>
        write(body, caller, Grain(grains, intentId), Idempotency.Token(idempotencyKey, caller, $"POST /v1/intents/{intentId}/{endpoint}", body));

    /// <summary>
    /// Who a write acts as, given its owner_agent (§2.8): an agent's key may name itself (the CLI's example agents
    /// do); an admin key may act for any agent, which then is the actor of the events it causes. Nobody else may
    /// speak for another agent.
    /// </summary>
    public static Caller Acting(Caller caller, string? owner) =>
        owner is not null && owner != caller.AgentAddress
            ? caller.IsAdmin ? caller with { AgentAddress = owner } : throw ProtocolException.Forbidden("owner_agent must be the caller's own agent")
            : caller;

    /// <summary>
    /// Where the completion went (PROTOCOL §5.7): into the reply_to owner's inbox thread, whose id is the
    /// intent's; "delivery_pending" when the thread could not take it yet (the intent grain retries).
    /// </summary>
    private static CompletionDelivery CompletionOf(IntentWriteResult result) =>
        result.Intent.ReplyTo is not { } replyTo
            ? new CompletionDelivery { Delivered = false, Reason = "reply_to_not_set" }
            : new CompletionDelivery
            {
                Delivered = result.CompletionDelivered,
                Reason = result.CompletionDelivered ? null : "delivery_pending",
                ReplyTo = replyTo,
                ThreadId = result.Intent.IntentId.ToString(),
            };

    /// <summary>{ok, applied, policy_generation, intent} or, when nothing was applied, {ok, applied:false, policy_generation, reason, intent}.</summary>
    public static IntentWriteResponse WriteResponse(IntentWriteResult result) => new()
    {
        Applied = result.Applied,
        PolicyGeneration = result.PolicyGeneration,
        Reason = result.Applied ? null : result.Reason,
        Intent = result.Intent.ToWire(),
    };

    /// <summary>The intent grain for a path id; a non-UUID id is refused with a 422 naming it.</summary>
    public static IIntentGrain Grain(IGrainFactory grains, string intentId) =>
        Guid.TryParse(intentId, out var id)
            ? grains.GetGrain<IIntentGrain>(id)
            : throw ProtocolException.Invalid("intent_id", $"intent_id must be a UUID: {intentId}", "invalid_intent_id");

    private static string? Address(RequestBody body, string name, bool required = false)
    {
        var value = body.String(name, 383, required: required);
        if (value is not null && value.Trim().Length < 3)
            throw ProtocolException.Invalid(name, $"{name} must be 3 to 383 characters");
        return value?.Trim();
    }

    /// <summary>The list for a caller and its parameters (query string, or an MCP tool's arguments).</summary>
    public static async Task<IntentPage> ListAsync(IntentQueries queries, Caller caller, IQueryCollection query, CancellationToken ct)
    {
        var (org, ws) = Query.Workspace(query, caller);
        var filter = new IntentFilter(
            org, ws,
            Query.Statuses(Query.String(query, "status")?.Split(','), "status"),
            Query.String(query, "to_agent") is { } to ? AgentAddress.Canonical(to, caller) : null,
            Query.String(query, "from_agent"),
            Query.String(query, "intent_type"),
            Query.String(query, "correlation_id"),
            Query.Int(query, "limit", 1, 500) ?? 50,
            Query.String(query, "cursor"));
        var (intents, next) = await queries.ListAsync(filter, ct);
        return new IntentPage { Intents = [.. intents.Select(IntentWire.ToWire)], NextCursor = next, HasMore = next is not null };
    }
}
