using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Inbox;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Notifications;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Axme.Grains.Delivery;

/// <summary>
/// One pushed delivery: an intent to an http agent (a signed POST), an inbox agent (a thread in its inbox)
/// or an internal agent (a handler in the silo), an event to a webhook subscription, or a notification (an
/// e-mail, or a signed POST to the configured chat webhook). Records every
/// attempt, retries with backoff and jitter, dead-letters after the attempt limit. The next attempt runs
/// on a grain timer; a reminder, registered before the first write and removed after the last, brings the
/// delivery back after a crash (the activation reschedules the timer), so retries survive restarts.
/// </summary>
public sealed partial class DeliveryGrain(
    [PersistentState(AxmeNames.DeliveryState, AxmeNames.Storage)] IPersistentState<DeliveryState> state,
    IHttpClientFactory httpClients,
    IDataProtectionProvider protection,
    InternalHandlers handlers,
    NotificationChannels channels,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<DeliveryGrain> logger) : Grain, IDeliveryGrain, IRemindable
{
    private const string KeepAliveReminder = "delivery";
    private IGrainTimer? _timer;

    private DeliveryRecord? D => state.State.Delivery;
    private DeliveryOptions O => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (D is { IsFinished: false } d) Schedule(d.NextAttemptAt);
        return Task.CompletedTask;
    }

    public async Task<DeliveryRecord> EnqueueAsync(DeliveryJob job)
    {
        if (D is { } existing) return existing;
        var now = time.GetUtcNow();
        if (channels.Unavailable(job) is { } reason) return await SkipAsync(job, reason, now);
        var record = new DeliveryRecord
        {
            DeliveryId = this.GetPrimaryKeyString(), Job = job, Status = DeliveryStatus.Pending,
            CreatedAt = now, UpdatedAt = now, NextAttemptAt = now,
        };
        if (DeliveryKinds.IsAgent(job.Kind))
        {
            // An agent delivery's durable record is its intent: while the intent is SUBMITTED the delivery sweep
            // hands it here again after a crash (which reactivates a pending delivery, or starts a lost one).
            // So no reminder and no first write: the first attempt's outcome is the first write.
            state.State.Delivery = record;
            Schedule(now);
            return record;
        }
        await this.RegisterOrUpdateReminder(KeepAliveReminder, O.ReminderPeriod, O.ReminderPeriod);
        state.State.Delivery = record;
        await state.WriteStateAsync();
        Schedule(now);
        return D!;
    }

    /// <summary>A notification this node has no channel for: recorded as skipped, with the reason, never attempted.</summary>
    private async Task<DeliveryRecord> SkipAsync(DeliveryJob job, string reason, DateTimeOffset now)
    {
        state.State.Delivery = new DeliveryRecord
        {
            DeliveryId = this.GetPrimaryKeyString(), Job = job, Status = DeliveryStatus.Skipped, CreatedAt = now, UpdatedAt = now, Reason = reason,
        };
        await state.WriteStateAsync();
        LogSkipped(D!.DeliveryId, reason);
        return D;
    }

    public Task<DeliveryRecord?> GetAsync() => Task.FromResult(D);

    public async Task<DeliveryRecord> ReplayAsync()
    {
        if (D is not { } d) throw ProtocolException.NotFound("delivery", this.GetPrimaryKeyString());
        if (!d.IsFinished) return d;
        var now = time.GetUtcNow();
        await this.RegisterOrUpdateReminder(KeepAliveReminder, O.ReminderPeriod, O.ReminderPeriod);
        state.State.RoundStart = d.Attempts.Count;
        state.State.Replays++;
        state.State.Delivery = d with { Status = DeliveryStatus.Pending, NextAttemptAt = now, UpdatedAt = now };
        await state.WriteStateAsync();
        Schedule(now);
        return D!;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (D is { IsFinished: false } d)
        {
            if (d.NextAttemptAt <= time.GetUtcNow()) await AttemptAsync();
            else Schedule(d.NextAttemptAt);
        }
        else if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder); // a leftover tick of a finished delivery
        }
    }

    private void Schedule(DateTimeOffset? at)
    {
        var delay = (at ?? time.GetUtcNow()) - time.GetUtcNow();
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        if (_timer is null) _timer = this.RegisterGrainTimer(_ => AttemptAsync(), delay, Timeout.InfiniteTimeSpan);
        else _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private async Task AttemptAsync()
    {
        if (D is not { IsFinished: false } d) return;
        if (d.NextAttemptAt > time.GetUtcNow())
        {
            Schedule(d.NextAttemptAt); // a timer tick a little early (or a reminder tick between attempts): wait on
            return;
        }
        var round = d.Attempts.Count + 1 - state.State.RoundStart; // attempt number since the (re)start
        var (attempt, max) = d.Job.Kind switch
        {
            DeliveryKinds.Subscription => await SubscriptionAttemptAsync(d, round),
            DeliveryKinds.Email or DeliveryKinds.Notification => await NotificationAttemptAsync(d, round),
            _ => await AgentAttemptAsync(d, round),
        };
        if (attempt is null)
        {
            await FinishAsync(d, DeliveryStatus.Obsolete, null);
            return;
        }
        var recorded = d with { Attempts = [.. d.Attempts, attempt], UpdatedAt = time.GetUtcNow() };
        AxmeMetrics.DeliveryAttempt(d.Job.Kind, ok: attempt.Error is null);
        if (attempt.Error is null)
        {
            LogDelivered(d.DeliveryId, round);
            await FinishAsync(recorded, DeliveryStatus.Delivered, round);
        }
        else if (round >= max)
        {
            LogDeadLettered(d.DeliveryId, round, attempt.Error);
            AxmeMetrics.DeadLettered(d.Job.Kind);
            await FinishAsync(recorded, DeliveryStatus.DeadLettered, round);
        }
        else
        {
            var next = time.GetUtcNow() + RetrySchedule.Delay(round, O.RetryBaseDelay, O.RetryMaxDelay, Random.Shared.NextDouble());
            state.State.Delivery = recorded with { NextAttemptAt = next };
            await state.WriteStateAsync();
            Schedule(next);
        }
    }

    /// <summary>One attempt to hand an intent to its agent's binding; a null attempt when nothing is left to deliver.</summary>
    private async Task<(DeliveryAttempt? Attempt, int Max)> AgentAttemptAsync(DeliveryRecord d, int round)
    {
        var intent = await GrainFactory.GetGrain<IIntentGrain>(d.Job.IntentId!.Value).GetAsync(Caller.System);
        var agent = await GrainFactory.GetGrain<IAgentGrain>(d.Job.Agent!).GetAsync();
        // Past SUBMITTED the handler has it (a success recorded just before a crash, or it already acted on
        // the intent); an agent gone or rebound elsewhere is served by its new binding: nothing left to do.
        if (intent.Status != IntentStatus.Submitted || agent is null || DeliveryKinds.ForBinding(agent.DeliveryMode) != d.Job.Kind)
            return (null, 0);
        var max = intent.MaxDeliveryAttempts ?? agent.MaxDeliveryAttempts;
        var attempt = d.Job.Kind switch
        {
            DeliveryKinds.Http => await PostAsync(d, new WebhookTarget { Url = agent.WebhookUrl!, ProtectedSecret = agent.ProtectedWebhookSecret!, MaxAttempts = max },
                HttpMessage(intent, round), round),
            DeliveryKinds.Inbox => await RunAsync(round, agent.Address, () => OpenThreadAsync(intent, agent)),
            _ => await RunAsync(round, "internal:" + (agent.InternalHandler ?? agent.Name), () => RunHandlerAsync(intent, agent, round)),
        };
        return (attempt, max);
    }

    /// <summary>
    /// The agent stream's message, with the status the intent has once the receiver accepts it (DELIVERED):
    /// handlers written for the stream check data.status = DELIVERED (PROTOCOL §8.7).
    /// </summary>
    private static JsonObject HttpMessage(IntentRecord intent, int round)
    {
        var message = DeliveryMessage.Build(intent, seq: null, attempt: round);
        message["status"] = IntentStatus.Delivered;
        return message;
    }

    private async Task<(DeliveryAttempt? Attempt, int Max)> SubscriptionAttemptAsync(DeliveryRecord d, int round)
    {
        var target = await GrainFactory.GetGrain<IWebhookSubscriptionGrain>(d.Job.SubscriptionId!.Value).GetTargetAsync();
        if (target is not { Active: true }) return (null, 0);
        return (await PostAsync(d, target, JsonNode.Parse(d.Job.BodyJson!)!.AsObject(), round), O.DefaultMaxAttempts);
    }

    /// <summary>One e-mail through the configured SMTP server, or one signed POST of the notification to the chat webhook.</summary>
    private async Task<(DeliveryAttempt? Attempt, int Max)> NotificationAttemptAsync(DeliveryRecord d, int round)
    {
        var max = O.DefaultMaxAttempts;
        // The channel was turned off after the enqueue (a restart with other settings): a failed attempt that says so.
        if (channels.Unavailable(d.Job) is { } off)
            return (new DeliveryAttempt { Attempt = round, At = time.GetUtcNow(), LatencyMs = 0, Error = off, Url = d.Job.Kind }, max);
        return d.Job.Kind == DeliveryKinds.Email
            ? (await RunAsync(round, channels.SmtpServer, () => channels.SendEmailAsync(d.DeliveryId, d.Job.Email!)), max)
            : (await PostAsync(d, channels.WebhookTarget(max), JsonNode.Parse(d.Job.BodyJson!)!.AsObject(), round), max);
    }

    /// <summary>The thread of an inbox delivery: its own id (the intent's id is its reply_to thread's, ADR 006).</summary>
    private async Task OpenThreadAsync(IntentRecord intent, AgentRecord agent)
    {
        var threadId = DeterministicId.From($"inbox-delivery\n{intent.IntentId}");
        await GrainFactory.GetGrain<IInboxThreadGrain>(threadId).OpenAsync(intent, agent.Address, InboxEventType.IntentReceived, null);
    }

    /// <summary>Runs the agent's internal handler and finishes the intent with what it decided.</summary>
    private async Task RunHandlerAsync(IntentRecord intent, AgentRecord agent, int round)
    {
        var name = agent.InternalHandler ?? agent.Name;
        var handler = handlers.Find(name) ?? throw new InvalidOperationException($"no internal handler named '{name}' in this silo");
        using var timeout = new CancellationTokenSource(O.RequestTimeout);
        var outcome = await handler.HandleAsync(intent, timeout.Token);
        var grain = GrainFactory.GetGrain<IIntentGrain>(intent.IntentId);
        await grain.DeliverySucceededAsync(round);
        var command = outcome.Succeeded
            ? new ResolveCommand { Status = IntentStatus.Completed, ResultJson = outcome.ResultJson, Actor = agent.Address }
            : new ResolveCommand { Status = IntentStatus.Failed, ErrorJson = outcome.ErrorJson, Actor = agent.Address };
        await grain.ResolveAsync(Caller.System, command, null);
    }

    /// <summary>Runs an in-silo attempt, timing it; an exception is a failed attempt (retried).</summary>
    private async Task<DeliveryAttempt> RunAsync(int round, string target, Func<Task> run)
    {
        var at = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        string? error = null;
        try
        {
            await run();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }
        return new DeliveryAttempt { Attempt = round, At = at, LatencyMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1), Error = error, Url = target };
    }

    private async Task<DeliveryAttempt> PostAsync(DeliveryRecord d, WebhookTarget target, JsonObject body, int round)
    {
        var sentAt = time.GetUtcNow();
        // A replay is a new delivery for a receiver that dedupes by id (as the README advises), so it gets its own id.
        body["delivery_id"] = state.State.Replays == 0 ? d.DeliveryId : $"{d.DeliveryId}-replay{state.State.Replays}";
        body["delivery_attempt"] = round;
        body["sent_at"] = sentAt.ToUnixTimeSeconds();
        var raw = Encoding.UTF8.GetBytes(body.ToJsonString());
        int? statusCode = null;
        string? error;
        var clock = Stopwatch.StartNew();
        try
        {
            var secret = protection.CreateProtector(AxmeNames.WebhookSecretPurpose).Unprotect(target.ProtectedSecret);
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(raw) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, raw));
            request.Headers.Add(WebhookSignature.TimestampHeader, sentAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.DeliveryIdHeader, body["delivery_id"]!.GetValue<string>());
            request.Headers.Add(WebhookSignature.AttemptHeader, round.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.EventTypeHeader, d.Job.EventType);
            using var timeout = new CancellationTokenSource(O.RequestTimeout);
            using var response = await httpClients.CreateClient(DeliveryOptions.HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            statusCode = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null : $"HTTP {statusCode} {response.ReasonPhrase}".TrimEnd();
        }
        catch (OperationCanceledException)
        {
            error = $"no response within {O.RequestTimeout.TotalSeconds:0.###} s";
        }
        catch (HttpRequestException e)
        {
            error = AttemptErrors.Describe(e);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            error = "the webhook secret cannot be decrypted (data protection key ring changed?); set it again";
        }
        catch (Exception e) when (e is UriFormatException or InvalidOperationException)
        {
            error = e.Message;
        }
        return new DeliveryAttempt
        {
            Attempt = round, At = sentAt, StatusCode = statusCode, LatencyMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1),
            Error = error, Url = target.Url,
        };
    }

    /// <summary>
    /// Tells the owner of the delivery first, then records the end: a crash in between leaves the delivery
    /// pending, and its next attempt finds nothing left to do (the intent is past SUBMITTED). Notifications
    /// have no owner to tell: their intent is only what they are about, so it never changes.
    /// </summary>
    private async Task FinishAsync(DeliveryRecord d, string status, int? attempts)
    {
        var job = d.Job;
        if (DeliveryKinds.IsAgent(job.Kind) && job.IntentId is { } intentId && attempts is { } n)
        {
            var intent = GrainFactory.GetGrain<IIntentGrain>(intentId);
            if (status == DeliveryStatus.Delivered) await intent.DeliverySucceededAsync(n);
            else await intent.DeliveryDeadLetteredAsync(n, d.Attempts[^1].Error ?? "failed");
        }
        else if (job.Kind == DeliveryKinds.Subscription && job.EventId is { } eventId)
        {
            await GrainFactory.GetGrain<IWebhookEventGrain>(eventId).DeliveryFinishedAsync(d.DeliveryId, status);
        }
        state.State.Delivery = d with { Status = status, NextAttemptAt = null, UpdatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        if (!DeliveryKinds.IsAgent(job.Kind) && await this.GetReminder(KeepAliveReminder) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} succeeded on attempt {Attempt}")]
    private partial void LogDelivered(string deliveryId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} dead-lettered after attempt {Attempt}: {Error}")]
    private partial void LogDeadLettered(string deliveryId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {DeliveryId} skipped: {Reason}")]
    private partial void LogSkipped(string deliveryId, string reason);
}
