namespace Axme.Silo.Hosting;

/// <summary>
/// Node settings (section "Axme"). Every key can also be set by an AXME_* environment variable:
/// AXME_POSTGRES, AXME_PORT, AXME_HOST, AXME_ADMIN_KEY, AXME_CLUSTER_ID, AXME_SERVICE_ID,
/// AXME_SILO_PORT, AXME_GATEWAY_PORT, AXME_ADVERTISED_ADDRESS, the notification settings AXME_SMTP_*
/// and AXME_NOTIFY_WEBHOOK_* (see docs/operations/configuration.md and notifications.md); any other key as
/// Axme__Section__Key.
/// </summary>
public sealed class AxmeOptions
{
    public const string Section = "Axme";

    /// <summary>Npgsql connection string of the PostgreSQL holding grain state, reminders, membership and views.</summary>
    public string Postgres { get; set; } = "";

    /// <summary>HTTP address to bind (127.0.0.1 by default; 0.0.0.0 in containers).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>HTTP port of the API (8100 is what a fresh official CLI expects).</summary>
    public int Port { get; set; } = 8100;

    /// <summary>Orleans cluster id: nodes with the same id and database form one cluster.</summary>
    public string ClusterId { get; set; } = "axme";

    /// <summary>Orleans service id: partitions grain state, reminders and views inside the database.</summary>
    public string ServiceId { get; set; } = "axme";

    /// <summary>
    /// Silo-to-silo port; 0 derives it from the HTTP port (8100 → 11111, 8101 → 11112). A node restarted
    /// on the same port is then recognised by Orleans as a new incarnation of itself, and its dead
    /// predecessor (after a crash) is retired at once instead of blocking the join.
    /// </summary>
    public int SiloPort { get; set; }

    /// <summary>Orleans client gateway port; 0 derives it from the HTTP port (8100 → 30000).</summary>
    public int GatewayPort { get; set; }

    public int EffectiveSiloPort => SiloPort != 0 ? SiloPort : Derived(Port + 3011);

    public int EffectiveGatewayPort => GatewayPort != 0 ? GatewayPort : Derived(Port + 21900);

    private static int Derived(int port) =>
        port is > 1024 and < 65536 ? port : throw new InvalidOperationException("set AXME_SILO_PORT and AXME_GATEWAY_PORT explicitly for this AXME_PORT");

    /// <summary>Address other silos use to reach this one (defaults to 127.0.0.1).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>An admin API key accepted in addition to generated keys; stored only as a hash.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Organisation and workspace of the admin service account.</summary>
    public string AdminOrg { get; set; } = "default";

    public string AdminWorkspace { get; set; } = "default";

    /// <summary>A chosen admin key shorter than this is refused at start: guessable keys are the cheapest way in.</summary>
    public const int MinAdminKeyLength = 32;

    /// <summary>
    /// Where a generated admin key is written when standard output is not a terminal (mode 0600); default: beside the
    /// key-ring certificate, else admin-key in the working directory.
    /// </summary>
    public string? AdminKeyFile { get; set; }

    public string EffectiveAdminKeyFile => AdminKeyFile is { Length: > 0 } f ? f
        : Path.Combine(KeyRingCertificate is { Length: > 0 } c ? Path.GetDirectoryName(Path.GetFullPath(c))! : Environment.CurrentDirectory, "admin-key");

    /// <summary>Start even when the database holds non-canonical tenant names (<see cref="TenantNameCheck"/>).</summary>
    public bool AllowNonCanonicalTenants { get; set; }

    /// <summary>PKCS#12 file of the certificate that encrypts the Data Protection key ring (<see cref="KeyRingCertificate"/>); required in Production.</summary>
    public string? KeyRingCertificate { get; set; }

    /// <summary>Password of <see cref="KeyRingCertificate"/>, if it has one.</summary>
    public string? KeyRingCertificatePassword { get; set; }

    /// <summary>Create a self-signed certificate at <see cref="KeyRingCertificate"/> when the file is absent (mode 0600).</summary>
    public bool KeyRingCreate { get; set; }

    /// <summary>Orleans' minimum reminder period (default 1 minute; tests lower it).</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How the reminder service loads reminders from the table (Axme:Reminders; ADR 018 §9).</summary>
    public ReminderLoading Reminders { get; set; } = new();

    /// <summary>
    /// Grains whose location this silo keeps in Orleans' directory cache (Orleans' default is 1,000,000). Every intent
    /// ever called leaves an entry (~300 bytes, kept after the grain deactivated), so the default let a busy node's heap
    /// grow by ~0.6 KB per approval round trip up to ~300 MB; intents are hot for seconds, then rarely called again.
    /// </summary>
    public int GrainDirectoryCacheSize { get; set; } = 100_000;

    /// <summary>
    /// How long a grain call waits for its answer before it fails as a timeout (Orleans' ResponseTimeout, default 30
    /// seconds). A request that times out answers 503 with Retry-After; the call itself may still complete.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Running as pods of a Kubernetes Deployment (AXME_KUBERNETES=true): Orleans' Kubernetes hosting takes the silo's
    /// name and address from the pod (POD_NAME, POD_NAMESPACE, POD_IP from the downward API) and watches the pods, so a
    /// pod that is gone is declared dead at once and a silo declared dead has its pod deleted (docs/operations/scaling.md).
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>Serve Prometheus metrics at /metrics (admins, or the <see cref="MetricsToken"/>; docs/operations/monitoring.md).</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>A bearer token that may read /metrics and nothing else, so Prometheus needs no admin key; compared by hash.</summary>
    public string? MetricsToken { get; set; }

    /// <summary>Also record the instruments that measure every message, grain call and command (Observability.PerEvent): costly.</summary>
    public bool MetricsPerEvent { get; set; }

    /// <summary>Serve the Orleans Dashboard at /inbox/dashboard/ (admins only).</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>Let the dashboard stream this node's log live (its "Log" page); off because log lines name tenants' intents.</summary>
    public bool DashboardLiveLog { get; set; }

    /// <summary>Maps the documented AXME_* environment variables onto configuration keys.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> FromEnvironment()
    {
        (string Env, string Key)[] map =
        [
            ("AXME_POSTGRES", "Axme:Postgres"), ("AXME_PORT", "Axme:Port"), ("AXME_HOST", "Axme:Host"),
            ("AXME_ADMIN_KEY", "Axme:AdminKey"), ("AXME_CLUSTER_ID", "Axme:ClusterId"), ("AXME_SERVICE_ID", "Axme:ServiceId"),
            ("AXME_SILO_PORT", "Axme:SiloPort"), ("AXME_GATEWAY_PORT", "Axme:GatewayPort"),
            ("AXME_ADVERTISED_ADDRESS", "Axme:AdvertisedAddress"),
            ("AXME_KEYRING_CERT", "Axme:KeyRingCertificate"), ("AXME_KEYRING_CERT_PASSWORD", "Axme:KeyRingCertificatePassword"),
            ("AXME_KEYRING_CREATE", "Axme:KeyRingCreate"), ("AXME_ALLOW_NONCANONICAL_TENANTS", "Axme:AllowNonCanonicalTenants"),
            ("AXME_ADMIN_KEY_FILE", "Axme:AdminKeyFile"), ("AXME_METRICS_TOKEN", "Axme:MetricsToken"), ("AXME_KUBERNETES", "Axme:Kubernetes"),
            ("AXME_SMTP_HOST", "Axme:Email:Host"), ("AXME_SMTP_PORT", "Axme:Email:Port"), ("AXME_SMTP_USER", "Axme:Email:Username"),
            ("AXME_SMTP_PASSWORD", "Axme:Email:Password"), ("AXME_SMTP_FROM", "Axme:Email:From"),
            ("AXME_SMTP_SECURE", "Axme:Email:SecureSocket"), ("AXME_SMTP_TIMEOUT", "Axme:Email:Timeout"),
            ("AXME_NOTIFY_WEBHOOK_URL", "Axme:Notifications:WebhookUrl"), ("AXME_NOTIFY_WEBHOOK_SECRET", "Axme:Notifications:WebhookSecret"),
        ];
        foreach (var (env, key) in map)
            if (Environment.GetEnvironmentVariable(env) is { Length: > 0 } value)
                yield return new(key, value);
    }
}
