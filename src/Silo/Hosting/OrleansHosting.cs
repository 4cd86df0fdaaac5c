using System.Net;
using Axme.Grains.Intents;
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
        builder.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(s => StorageJson.Configure(s.JsonSerializerOptions));
        // Orleans' providers keep no session state on a connection, so skip the DISCARD ALL that Npgsql
        // sends whenever a pooled connection is reused: one round trip less per storage call.
        var postgres = new Npgsql.NpgsqlConnectionStringBuilder(o.Postgres) { NoResetOnClose = true }.ConnectionString;
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
            silo.UseAdoNetReminderService(r => { r.Invariant = Invariant; r.ConnectionString = postgres; });
            silo.Configure<ReminderOptions>(r => r.MinimumReminderPeriod = o.MinimumReminderPeriod);
            silo.AddActivityPropagation();
        });
        return builder;
    }
}
