using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Intents;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Axme.Grains.Delivery;

/// <summary>
/// One webhook delivery: POSTs the signed body, records every attempt, retries with backoff and jitter,
/// and dead-letters after the attempt limit. The next attempt runs on a grain timer; a reminder,
/// registered before the first write and removed after the last, reactivates the delivery after a
/// crash (and the activation reschedules the timer), so retries survive restarts.
/// </summary>
public sealed partial class DeliveryGrain(
    [PersistentState(AxmeNames.DeliveryState, AxmeNames.Storage)] IPersistentState<DeliveryState> state,
    IHttpClientFactory httpClients,
    IDataProtectionProvider protection,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<DeliveryGrain> logger) : Grain, IDeliveryGrain, IRemindable
{
    private const string KeepAliveReminder = "webhook";
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
        await this.RegisterOrUpdateReminder(KeepAliveReminder, O.ReminderPeriod, O.ReminderPeriod);
        state.State.Delivery = new DeliveryRecord
        {
            DeliveryId = this.GetPrimaryKeyString(), Job = job, Status = DeliveryStatus.Pending,
            CreatedAt = now, UpdatedAt = now, NextAttemptAt = now,
        };
        await state.WriteStateAsync();
        Schedule(now);
        return D!;
    }

    public Task<DeliveryRecord?> GetAsync() => Task.FromResult(D);

    public async Task<DeliveryRecord> ReplayAsync()
    {
        if (D is not { } d) throw ProtocolException.NotFound("delivery", this.GetPrimaryKeyString());
        if (!d.IsFinished) return d;
        var now = time.GetUtcNow();
        await this.RegisterOrUpdateReminder(KeepAliveReminder, O.ReminderPeriod, O.ReminderPeriod);
        state.State.RoundStart = d.Attempts.Count;
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
        if (D is not { IsFinished: false } d || d.NextAttemptAt > time.GetUtcNow()) return;
        var job = d.Job;
        var (target, body, intentMax) = await PrepareAsync(job);
        if (target is null || body is null)
        {
            await FinishAsync(d, DeliveryStatus.Obsolete, null);
            return;
        }
        var number = d.Attempts.Count + 1;
        var max = intentMax ?? (target.MaxAttempts > 0 ? target.MaxAttempts : O.DefaultMaxAttempts);
        var sentAt = time.GetUtcNow();
        body["delivery_id"] = d.DeliveryId;
        body["delivery_attempt"] = number - state.State.RoundStart;
        body["sent_at"] = sentAt.ToUnixTimeSeconds();
        var attempt = await PostAsync(d, job, target, Encoding.UTF8.GetBytes(body.ToJsonString()), number, sentAt);
        var recorded = d with { Attempts = [.. d.Attempts, attempt], UpdatedAt = time.GetUtcNow() };

        if (attempt.Error is null)
        {
            LogDelivered(d.DeliveryId, number);
            await FinishAsync(recorded, DeliveryStatus.Delivered, number - state.State.RoundStart);
        }
        else if (number - state.State.RoundStart >= max)
        {
            LogDeadLettered(d.DeliveryId, number, attempt.Error);
            await FinishAsync(recorded, DeliveryStatus.DeadLettered, number - state.State.RoundStart);
        }
        else
        {
            var next = time.GetUtcNow() + RetrySchedule.Delay(number - state.State.RoundStart, O.RetryBaseDelay, O.RetryMaxDelay, Random.Shared.NextDouble());
            state.State.Delivery = recorded with { NextAttemptAt = next };
            await state.WriteStateAsync();
            Schedule(next);
        }
    }

    /// <summary>Where to POST and what, as the target says now; nulls when there is nothing (left) to deliver.</summary>
    private async Task<(DeliveryTarget? Target, JsonObject? Body, int? MaxAttempts)> PrepareAsync(DeliveryJob job)
    {
        if (job.Kind == DeliveryKinds.Agent && job.IntentId is { } intentId && job.Agent is { } agent)
        {
            var intent = await GrainFactory.GetGrain<IIntentGrain>(intentId).GetAsync(Caller.System);
            // Anything past SUBMITTED means the handler has it (a 2xx recorded just before a crash, or it
            // already acted on the intent): nothing left to deliver.
            if (intent.Status != IntentStatus.Submitted) return (null, null, null);
            var target = await GrainFactory.GetGrain<IAgentGrain>(agent).GetDeliveryTargetAsync();
            return target is { Active: true }
                ? (target, DeliveryMessage.Build(intent, seq: null, attempt: 0), intent.MaxDeliveryAttempts)
                : (null, null, null);
        }
        if (job.Kind == DeliveryKinds.Subscription && job.SubscriptionId is { } subscription && job.BodyJson is { } json)
        {
            var target = await GrainFactory.GetGrain<IWebhookSubscriptionGrain>(subscription).GetTargetAsync();
            return target is { Active: true } ? (target, JsonNode.Parse(json)!.AsObject(), null) : (null, null, null);
        }
        return (null, null, null);
    }

    private async Task<DeliveryAttempt> PostAsync(DeliveryRecord d, DeliveryJob job, DeliveryTarget target, byte[] raw, int number, DateTimeOffset sentAt)
    {
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
            request.Headers.Add(WebhookSignature.DeliveryIdHeader, d.DeliveryId);
            request.Headers.Add(WebhookSignature.AttemptHeader, (number - state.State.RoundStart).ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.EventTypeHeader, job.EventType);
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
            error = e.HttpRequestError == HttpRequestError.Unknown ? e.Message : $"{e.HttpRequestError}: {e.Message}";
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
            Attempt = number, At = sentAt, StatusCode = statusCode, LatencyMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1),
            Error = error, Url = target.Url,
        };
    }

    /// <summary>
    /// Tells the owner of the delivery first, then records the end: a crash in between leaves the delivery
    /// pending, and its next attempt finds nothing left to do (the intent is past SUBMITTED).
    /// </summary>
    private async Task FinishAsync(DeliveryRecord d, string status, int? attempts)
    {
        var job = d.Job;
        if (job.Kind == DeliveryKinds.Agent && job.IntentId is { } intentId && attempts is { } n)
        {
            var intent = GrainFactory.GetGrain<IIntentGrain>(intentId);
            if (status == DeliveryStatus.Delivered) await intent.WebhookDeliveredAsync(n);
            else await intent.WebhookDeadLetteredAsync(n, d.Attempts[^1].Error ?? "failed");
        }
        else if (job.Kind == DeliveryKinds.Subscription && job.EventId is { } eventId)
        {
            await GrainFactory.GetGrain<IWebhookEventGrain>(eventId).DeliveryFinishedAsync(d.DeliveryId, status);
        }
        state.State.Delivery = d with { Status = status, NextAttemptAt = null, UpdatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        if (await this.GetReminder(KeepAliveReminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} delivered on attempt {Attempt}")]
    private partial void LogDelivered(string deliveryId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} dead-lettered after attempt {Attempt}: {Error}")]
    private partial void LogDeadLettered(string deliveryId, int attempt, string error);
}
