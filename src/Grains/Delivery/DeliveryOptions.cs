namespace Axme.Grains.Delivery;

/// <summary>Webhook delivery settings (section "Axme:Delivery").</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Axme:Delivery";

    /// <summary>Name of the HttpClient deliveries use (configured by the host: timeout, no redirects).</summary>
    public const string HttpClientName = "axme.webhooks";

    /// <summary>Delay before the second attempt; each later one doubles it (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An attempt without a response by then counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Period of the reminder that keeps a pending delivery alive across crashes. Attempts run on a grain
    /// timer at their due time; the reminder only matters when the node died in between.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a delivery held for a killed agent looks again (a resume also hands it over at once).</summary>
    public TimeSpan KilledAgentRecheck { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Networks (CIDR) or addresses, comma-separated, that deliveries may reach besides public addresses: by default
    /// none, so no webhook reaches the node itself, its network or a cloud metadata service (docs/adr/017). For agents
    /// on an internal network, e.g. "10.0.0.0/8"; for development on one machine, "127.0.0.1".
    /// </summary>
    public string AllowPrivateNetworks { get; set; } = "";

    /// <summary>Attempts before dead-lettering when neither the intent nor the target says otherwise.</summary>
    public int DefaultMaxAttempts { get; set; } = 5;
}
