using MailKit.Security;

namespace Axme.Grains.Notifications;

/// <summary>
/// The SMTP server e-mail notifications go through (section "Axme:Email"; AXME_SMTP_* variables). E-mail is
/// off while Host is empty: e-mail notifications are then recorded as skipped with the reason. The password
/// is never logged or recorded.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Axme:Email";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>Authenticates only when set.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, e.g. <c>Axme &lt;axme@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    /// <summary>
    /// none (plain, e.g. a local relay), starttls (required: fails rather than send in the clear), ssl (TLS
    /// from the first byte, usually port 465) or auto (MailKit's choice: ssl on 465, else STARTTLS when offered).
    /// </summary>
    public string SecureSocket { get; set; } = "starttls";

    /// <summary>Connecting, authenticating and sending one message must finish within this, or the attempt fails.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The MailKit option for <see cref="SecureSocket"/>; null for an unknown value.</summary>
    public static SecureSocketOptions? Socket(string mode) => mode.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "ssl" => SecureSocketOptions.SslOnConnect,
        "auto" => SecureSocketOptions.Auto,
        _ => null,
    };
}
