using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Delivery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>Webhook delivery plumbing: settings, the outbound HttpClient, the shared secret key ring, the sweep, notification channels.</summary>
public static class DeliveryHosting
{
    public static WebApplicationBuilder AddAxmeDelivery(this WebApplicationBuilder builder, AxmeOptions o)
    {
        builder.Services.AddOptions<DeliveryOptions>().Bind(builder.Configuration.GetSection(DeliveryOptions.Section))
            .Validate(d => d.RetryBaseDelay > TimeSpan.Zero && d.RetryMaxDelay >= d.RetryBaseDelay, "Axme:Delivery retry delays must be positive and max >= base")
            .Validate(d => d.ReminderPeriod >= o.MinimumReminderPeriod, "Axme:Delivery:ReminderPeriod must be at least Axme:MinimumReminderPeriod")
            .ValidateOnStart();
        // Per-attempt timeouts come from DeliveryOptions; connections only to permitted addresses, no redirects (ADR 017).
        builder.Services.AddSingleton(sp => new OutboundAddresses(
            sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.AllowPrivateNetworks.Split(',', StringSplitOptions.RemoveEmptyEntries)));
        builder.Services.AddHttpClient(DeliveryOptions.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundAddresses>().CreateHandler());
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("axme-" + o.ServiceId);
        if (KeyRingCertificate.Load(o, builder.Environment.IsProduction()) is { } certificate)
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        else
            Console.Error.WriteLine("warning: no AXME_KEYRING_CERT: the Data Protection key ring is stored unencrypted (development only; refused in Production)");
        builder.Services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>(sp =>
            new ConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(k =>
                k.XmlRepository = new PostgresKeyRepository(sp.GetRequiredService<NpgsqlDataSource>(), o.ServiceId)));
        builder.Services.AddSingleton<LifecycleSubscribers>();
        builder.Services.AddSingleton<IInternalHandler, EchoHandler>();
        builder.Services.AddSingleton<InternalHandlers>();
        builder.Services.AddHostedService<DeliverySweep>();
        builder.AddAxmeNotifications();
        return builder;
    }
}
