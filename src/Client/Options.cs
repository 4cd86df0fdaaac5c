using System.Text.Json.Nodes;

namespace Axme.Client;

/// <summary>Settings of an <see cref="AxmeClient"/>.</summary>
public sealed class AxmeClientOptions
{
    /// <summary>The node's base URL, e.g. <c>http://localhost:8080</c>.</summary>
    public string BaseUrl { get; set; } = "http://localhost:8080";

    /// <summary>The API key, sent as <c>x-api-key</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>An optional actor token (a human user's session), sent as <c>Authorization: Bearer</c>.</summary>
    public string? ActorToken { get; set; }

    /// <summary>
    /// Acts for this agent (PROTOCOL §2.8): sent as <c>x-owner-agent</c> on every request. A call that also names
    /// an owner (<c>owner_agent</c>) must name the same one, or the node answers 400 <c>owner_agent_mismatch</c>.
    /// </summary>
    public string? OwnerAgent { get; set; }

    /// <summary>Retries after the first attempt for retryable failures (429, 502, 503, 504, connection errors). Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first backoff delay; doubled on every retry, with jitter. Default 200 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest single wait between retries, also the cap for a server's <c>Retry-After</c>. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>wait_seconds</c> asked of SSE streams (1–60); the server then ends a quiet stream and the client reconnects. Default 15.</summary>
    public int StreamWaitSeconds { get; set; } = 15;

    /// <summary>Consecutive failed stream connections after which <see cref="AxmeClient.ObserveAsync"/> polls the events list instead. Default 3.</summary>
    public int StreamFailuresBeforePolling { get; set; } = 3;

    /// <summary>How often the polling fallback asks for new events. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The intent type sent when <see cref="SendIntentOptions.IntentType"/> is not given. Default <c>intent.ask.v1</c>.</summary>
    public string DefaultIntentType { get; set; } = "intent.ask.v1";
}

/// <summary>Optional fields of a new intent (PROTOCOL §5.2).</summary>
public sealed class SendIntentOptions
{
    /// <summary>Lower-case dotted type with a version suffix (<c>billing.invoice.send.v1</c>); default <see cref="AxmeClientOptions.DefaultIntentType"/>.</summary>
    public string? IntentType { get; set; }

    /// <summary>The caller's correlation id; when absent the SDK sends one (derived from <see cref="IdempotencyKey"/> when that is set, so a retried send posts the same body).</summary>
    public string? CorrelationId { get; set; }

    /// <summary>Where the completion goes (an agent whose inbox receives it).</summary>
    public string? ReplyTo { get; set; }

    /// <summary>The deadline after which the intent times out.</summary>
    public DateTimeOffset? DeadlineAt { get; set; }

    /// <summary>Delivery attempts before the intent fails.</summary>
    public int? MaxDeliveryAttempts { get; set; }

    /// <summary>A human task (title, task_type, allowed_outcomes, form_schema, …) making this a task for people (PROTOCOL §7).</summary>
    public JsonObject? HumanTask { get; set; }

    /// <summary>A built-in step run by the node itself (human_approval, timeout, delay, …) instead of an agent.</summary>
    public string? RuntimeType { get; set; }

    /// <summary>The built-in step's configuration.</summary>
    public JsonObject? RuntimeConfig { get; set; }

    /// <summary>The <c>Idempotency-Key</c>; a new GUID when absent. Pass your own to make a send idempotent across processes.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>Any further body fields (e.g. remind_after_seconds, escalate_to); they override the fields above.</summary>
    public JsonObject? Extra { get; set; }
}

/// <summary>Filters of <see cref="AxmeClient.ListIntentsAsync"/> (PROTOCOL §5.4).</summary>
public sealed class IntentListFilter
{
    /// <summary>Statuses to include (any of them).</summary>
    public IReadOnlyList<string>? Statuses { get; set; }

    /// <summary>Only intents addressed to this agent.</summary>
    public string? ToAgent { get; set; }

    /// <summary>Only intents sent by this agent.</summary>
    public string? FromAgent { get; set; }

    /// <summary>Only intents of this type.</summary>
    public string? IntentType { get; set; }

    /// <summary>Only intents with this correlation id.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>Page size, 1–500 (server default 50).</summary>
    public int? Limit { get; set; }

    /// <summary>The <see cref="IntentPage.NextCursor"/> of the previous page.</summary>
    public string? Cursor { get; set; }
}

/// <summary>An agent's delivery binding (PUT /v1/agents/{address}/delivery); null fields stay unchanged.</summary>
public sealed class DeliveryConfig
{
    /// <summary>stream, poll, http, inbox or internal.</summary>
    public string? DeliveryMode { get; set; }

    /// <summary>The lease a poller holds a delivery for.</summary>
    public int? LeaseSeconds { get; set; }

    /// <summary>Delivery attempts before an intent fails.</summary>
    public int? MaxDeliveryAttempts { get; set; }

    /// <summary>The URL the http binding posts to.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The signing secret of the http binding; generated (and returned once) when absent.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The in-node handler of the internal binding.</summary>
    public string? InternalHandler { get; set; }

    internal AgentDeliveryRequest ToRequest() => new()
    {
        DeliveryMode = DeliveryMode, LeaseSeconds = LeaseSeconds, MaxDeliveryAttempts = MaxDeliveryAttempts,
        WebhookUrl = WebhookUrl, WebhookSecret = WebhookSecret, InternalHandler = InternalHandler,
    };
}

/// <summary>What <see cref="AxmeClient.BulkCancelIntentsAsync"/> cancels (PROTOCOL §5.11).</summary>
public sealed class BulkCancelOptions
{
    /// <summary>Only intents not updated for this many hours (fractions allowed). Default 24.</summary>
    public double OlderThanHours { get; set; } = 24;

    /// <summary>True to only list what would be canceled. Default false.</summary>
    public bool DryRun { get; set; }

    /// <summary>Non-terminal statuses to consider; null for all of them.</summary>
    public IReadOnlyList<string>? Statuses { get; set; }

    /// <summary>At most this many intents (server default 500, at most 5000).</summary>
    public int? Limit { get; set; }

    /// <summary>The reason recorded on each canceled intent.</summary>
    public string? Reason { get; set; }
}
