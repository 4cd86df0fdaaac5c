using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Axme.Contracts;
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
/// The attempts of a delivery, one kind each: to an agent's binding (a signed POST, an inbox thread, an internal
/// handler), to a webhook subscription, through a notification channel. Each is timed and comes back as the attempt
/// record; a failure is an attempt with its error, never an exception (DeliveryGrain retries or dead-letters it).
/// </summary>
public sealed partial class DeliveryGrain
{
    /// <summary>
    /// One attempt to hand an intent to its agent's binding; a null attempt when nothing is left to deliver, or when the
    /// agent is killed (held: no attempt is made or counted until it is resumed).
    /// </summary>
    private async Task<(DeliveryAttempt? Attempt, int Max, bool Held)> AgentAttemptAsync(DeliveryRecord d, int round)
    {
        var intent = await GrainFactory.GetGrain<IIntentGrain>(d.Job.IntentId!.Value).GetAsync(Caller.System);
        var agent = await GrainFactory.GetGrain<IAgentGrain>(d.Job.Agent!).GetAsync();
        // Past SUBMITTED the handler has it (a success recorded just before a crash, or it already acted on
        // the intent); an agent gone or rebound elsewhere is served by its new binding: nothing left to do.
        if (intent.Status != IntentStatus.Submitted || agent is null || DeliveryKinds.ForBinding(agent.DeliveryMode) != d.Job.Kind)
            return (null, 0, false);
        if (agent.Killed is not null) return (null, 0, true);
        var max = intent.MaxDeliveryAttempts ?? agent.MaxDeliveryAttempts;
        var attempt = d.Job.Kind switch
        {
            DeliveryKinds.Http => await PostAsync(d, new WebhookTarget
                {
                    Url = agent.WebhookUrl!, ProtectedSecret = agent.ProtectedWebhookSecret!, MaxAttempts = max, OrgId = intent.OrgId, WorkspaceId = intent.WorkspaceId,
                },
                HttpMessage(intent, round), round),
            DeliveryKinds.Inbox => await RunAsync(round, agent.Address, () => OpenThreadAsync(intent, agent)),
            _ => await RunAsync(round, "internal:" + (agent.InternalHandler ?? agent.Name), () => RunHandlerAsync(intent, agent, round)),
        };
        return (attempt, max, false);
    }

    /// <summary>
    /// The agent stream's message, with the status the intent has once the receiver accepts it (DELIVERED):
    /// handlers written for the stream check data.status = DELIVERED (PROTOCOL §8.7).
    /// </summary>
    private static JsonObject HttpMessage(IntentRecord intent, int round) =>
        AxpJson.Node(DeliveryMessage.Build(intent, seq: null, attempt: round) with { Status = IntentStatus.Delivered });

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
        // Counted, never refused (docs/adr/029): the intent behind it was admitted, and it is delivered.
        if (target is { OrgId: { } org, WorkspaceId: { } ws }) usage.Add(org, ws, Interfaces.Tenancy.QuotaDimensions.WebhookDeliveriesPerDay, 1);
        // A replay is a new delivery for a receiver that dedupes by id (as docs/api/delivery-and-webhooks.md advises), so it gets its own id.
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
}
