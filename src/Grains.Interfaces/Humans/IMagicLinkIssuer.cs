namespace Axme.Grains.Interfaces.Humans;

/// <summary>
/// Mints magic links (a service in the node's DI container, not a grain): e-mail notifications and the
/// API call it. A link answers one task (intent) as one assignee, once, until it expires.
/// </summary>
public interface IMagicLinkIssuer
{
    /// <summary>An absolute URL of the web inbox that opens the task; baseUrl overrides the configured public URL.</summary>
    MagicLink Create(Guid intentId, string assignee, TimeSpan ttl, Uri? baseUrl = null);
}

/// <summary>A minted link and when it stops working.</summary>
public sealed record MagicLink(Uri Url, DateTimeOffset ExpiresAt);
