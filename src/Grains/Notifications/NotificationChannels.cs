using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Notifications;
using MailKit.Net.Smtp;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Axme.Grains.Notifications;

/// <summary>The node's notification channels as configured: the SMTP server and the chat webhook.</summary>
public sealed class NotificationChannels(IOptions<EmailOptions> email, IOptions<NotificationOptions> notifications, IDataProtectionProvider protection)
{
    private readonly Lazy<string> _protectedSecret = new(() =>
        protection.CreateProtector(AxmeNames.WebhookSecretPurpose).Protect(notifications.Value.WebhookSecret ?? ""));

    /// <summary>Header naming the notification's delivery in every e-mail, so a mailbox can dedupe.</summary>
    public const string NotificationIdHeader = "X-AXME-Notification-Id";

    /// <summary>Where e-mail goes, as recorded on each attempt (never the credentials).</summary>
    public string SmtpServer => $"smtp://{email.Value.Host}:{email.Value.Port}";

    /// <summary>Whether this node has a channel at all: without one, nothing of a notification need be composed.</summary>
    public bool Any => email.Value.Enabled || notifications.Value.WebhookEnabled;

    /// <summary>Why this node cannot deliver the job's notification (its channel is not configured); null when it can.</summary>
    public string? Unavailable(DeliveryJob job) => Unavailable(job.Kind, email.Value, notifications.Value);

    /// <summary>Why this node cannot send e-mail, or null when it can.</summary>
    public string? EmailUnavailable => Unavailable(DeliveryKinds.Email, email.Value, notifications.Value);

    public static string? Unavailable(string kind, EmailOptions email, NotificationOptions notifications) => kind switch
    {
        DeliveryKinds.Email when !email.Enabled => "e-mail is not configured on this node (set Axme:Email:Host and Axme:Email:From, or AXME_SMTP_HOST and AXME_SMTP_FROM)",
        DeliveryKinds.Notification when !notifications.WebhookEnabled => "the notification webhook is not configured on this node (set Axme:Notifications:WebhookUrl and WebhookSecret, or AXME_NOTIFY_WEBHOOK_URL and AXME_NOTIFY_WEBHOOK_SECRET)",
        _ => null,
    };

    /// <summary>
    /// The chat webhook as a delivery target. The configured secret is encrypted like an agent's so the one
    /// signing path (DeliveryGrain.PostAsync) serves both; it lives only in memory, never in grain state.
    /// </summary>
    public WebhookTarget WebhookTarget(int maxAttempts) =>
        new() { Url = notifications.Value.WebhookUrl!, ProtectedSecret = _protectedSecret.Value, MaxAttempts = maxAttempts };

    private readonly IDataProtector _bodies = protection.CreateProtector(AxmeNames.NotificationBodyPurpose);

    /// <summary>
    /// A notification as it may be stored: an e-mail's bodies sealed (they may carry magic links, which answer a task as
    /// its assignee; ADR 017 §7), unsealed only when the e-mail is sent.
    /// </summary>
    public Notification Seal(Notification notification) =>
        notification.Email is { BodiesSealed: false } e
            ? notification with { Email = e with { TextBody = _bodies.Protect(e.TextBody), HtmlBody = e.HtmlBody is null ? null : _bodies.Protect(e.HtmlBody), BodiesSealed = true } }
            : notification;

    /// <summary>Sends one e-mail; throws on any failure (refused, unreachable, timed out), with the server's words but never the credentials.</summary>
    public async Task SendEmailAsync(string deliveryId, EmailContent content)
    {
        var o = email.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(o.From ?? throw new InvalidOperationException("Axme:Email:From is not set")));
        foreach (var to in content.To) message.To.Add(MailboxAddress.Parse(to));
        message.Subject = content.Subject;
        message.Headers.Add(NotificationIdHeader, deliveryId);
        message.Body = new BodyBuilder
        {
            TextBody = content.BodiesSealed ? _bodies.Unprotect(content.TextBody) : content.TextBody,
            HtmlBody = content.BodiesSealed && content.HtmlBody is { } html ? _bodies.Unprotect(html) : content.HtmlBody,
        }.ToMessageBody();

        using var timeout = new CancellationTokenSource(o.Timeout);
        using var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(o.Host!, o.Port, EmailOptions.Socket(o.SecureSocket)!.Value, timeout.Token);
            if (!string.IsNullOrEmpty(o.Username)) await client.AuthenticateAsync(o.Username, o.Password ?? "", timeout.Token);
            await client.SendAsync(message, timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer from {SmtpServer} within {o.Timeout.TotalSeconds:0.###} s");
        }
    }
}
