using System.Net;
using Axme.Grains.Intents;
using Axme.Silo.Storage;
using Axme.Grains.Interfaces.Common;
using Orleans.Configuration;
using Orleans.Serialization;

namespace Axme.Silo.Hosting;

/// <summary>The silo: ADO.NET clustering, grain storage and reminders on PostgreSQL, co-hosted with the API.</summary>
public static class OrleansHosting
{
    private const string Invariant = "Npgsql";

    public static WebApplicationBuilder AddAxmeSilo(this WebApplicationBuilder builder, AxmeOptions o)
    {
        builder.Services.AddOptions<IntentOptions>().Bind(builder.Configuration.GetSection(IntentOptions.Section));
        builder.Services.AddSingleton<Axme.Grains.Schemas.SemanticSchemaCache>();
        builder.Services.AddSingleton<Axme.Grains.Accounts.AliasDirectory>();
        builder.Services.AddSingleton<Axme.Grains.Interfaces.Tenancy.TenantGate>();
        builder.Services.AddSingleton<Axme.Grains.Interfaces.Accounts.ApiKeyCache>();
        builder.Services.AddSingleton<Axme.Grains.Interfaces.Agents.AgentCache>();
        // Quotas (docs/adr/029): the counts' store is the API's (axme_usage, flushed by UsageFlush).
        builder.Services.AddOptions<Axme.Grains.Interfaces.Tenancy.QuotaOptions>().Bind(builder.Configuration.GetSection(Axme.Grains.Interfaces.Tenancy.QuotaOptions.Section));
        builder.Services.AddSingleton(sp => new Axme.Grains.Interfaces.Tenancy.UsageMeter(sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Axme.Grains.Interfaces.Tenancy.IUsageStore>()));
        builder.Services.AddSingleton<Axme.Grains.Interfaces.Tenancy.QuotaGate>();
        builder.Services.AddSingleton<Axme.Grains.Workflows.ScenarioPlans>();
        builder.Services.AddSingleton<Axme.Grains.Interfaces.Workflows.IScenarioCompiler, Axme.Grains.Workflows.ScenarioCompilation>();
        GrainInterfaceTypeCache.AddTo(builder.Services);
        builder.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(s => StorageJson.Configure(s.JsonSerializerOptions));
        var postgres = Tuned(o.Postgres);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(c =>
            {
                c.ClusterId = o.ClusterId;
                c.ServiceId = o.ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(o.AdvertisedAddress),
                o.EffectiveSiloPort,
                o.EffectiveGatewayPort,
                listenOnAnyHostAddress: o.AdvertisedAddress != "127.0.0.1");
            silo.UseAdoNetClustering(c => { c.Invariant = Invariant; c.ConnectionString = postgres; });
            silo.AddAdoNetGrainStorage(AxmeNames.Storage, s => { s.Invariant = Invariant; s.ConnectionString = postgres; });
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.AddAxmeIntentStorage(postgres);
            silo.UseAdoNetReminderService(r => { r.Invariant = Invariant; r.ConnectionString = postgres; });
            o.Reminders.Validate();
            silo.Configure<ReminderOptions>(r =>
            {
                r.MinimumReminderPeriod = o.MinimumReminderPeriod;
                o.Reminders.ApplyTo(r);
            });
            silo.Configure<GrainDirectoryOptions>(d => d.CacheSize = o.GrainDirectoryCacheSize);
            silo.Configure<SiloMessagingOptions>(m => m.ResponseTimeout = o.ResponseTimeout);
            var intents = builder.Configuration.GetSection(IntentOptions.Section).Get<IntentOptions>() ?? new IntentOptions();
            silo.Configure<GrainCollectionOptions>(g => g.ClassSpecificCollectionAge[typeof(IntentGrain).FullName!] = intents.WaitingIntentIdle);
            silo.AddIncomingGrainCallFilter<TransientFaultFilter>();
            silo.AddOutgoingGrainCallFilter<RejectedCallRetry>();
            // A failure the call filter never sees (a grain whose activation could not read its state) travels back to
            // the calling silo as it is: without this, its NpgsqlException has no codec there and the caller gets a
            // CodecNotFoundException (a 500) instead of a database failure (a 503).
            silo.Services.Configure<ExceptionSerializationOptions>(e => e.SupportedNamespacePrefixes.Add("Npgsql"));
            if (o.Kubernetes) silo.UseKubernetesHosting();
            OperatorView.AddDashboard(silo, o);
            // Trace context across grain calls only when traces are exported: otherwise the filter runs on every call for nothing.
            if (Observability.Exporting(builder.Configuration)) silo.AddActivityPropagation();
        });
        return builder;
    }

    /// <summary>
    /// The connection settings every pool of the node uses. Nothing keeps session state on a connection, so the
    /// DISCARD ALL Npgsql sends when a pooled connection is reused is skipped (one round trip less per call); and
    /// statements are prepared once per connection after a second use (parse, analysis and planning were a fifth of
    /// PostgreSQL's time per round trip when every statement was new to it).
    /// </summary>
    public static string Tuned(string connectionString)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        if (b.MaxAutoPrepare == 0) b.MaxAutoPrepare = 64;
        return b.ConnectionString;
    }
}
