using Axme.Grains.Notifications;
using MimeKit;

namespace Axme.Silo.Hosting;

/// <summary>Notification channels: the SMTP server (Axme:Email) and the chat webhook (Axme:Notifications), validated at start.</summary>
public static class NotificationHosting
{
    public static WebApplicationBuilder AddAxmeNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>().Bind(builder.Configuration.GetSection(EmailOptions.Section))
            .Validate(e => !e.Enabled || MailboxAddress.TryParse(e.From, out _), "Axme:Email:From (AXME_SMTP_FROM) must be an e-mail address when Axme:Email:Host is set")
            .Validate(e => e.Port is > 0 and < 65536, "Axme:Email:Port must be a TCP port")
            .Validate(e => EmailOptions.Socket(e.SecureSocket) is not null, "Axme:Email:SecureSocket must be none, starttls, ssl or auto")
            .Validate(e => e.Timeout > TimeSpan.Zero, "Axme:Email:Timeout must be positive")
            .ValidateOnStart();
        builder.Services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection(NotificationOptions.Section))
            .Validate(n => !n.WebhookEnabled || (Uri.TryCreate(n.WebhookUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"),
                "Axme:Notifications:WebhookUrl must be an absolute http(s) URL")
            .Validate(n => !n.WebhookEnabled || n.WebhookSecret is { Length: >= 16 and <= 128 },
                "Axme:Notifications:WebhookSecret (16-128 characters) is required with a WebhookUrl")
            .ValidateOnStart();
        builder.Services.AddSingleton<NotificationChannels>();
        return builder;
    }
}
