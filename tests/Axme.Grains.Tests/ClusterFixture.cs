using Axme.Grains.Delivery;
using Axme.Grains.Tests.Delivery;
using Axme.Grains.Intents;
using Axme.Grains.Notifications;
using Microsoft.AspNetCore.DataProtection;
using Axme.Grains.Interfaces.Common;
using Axme.Silo.Hosting;
using Axme.Silo.Storage;
using Axme.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Axme.Grains.Tests;

/// <summary>
/// One in-process silo for the whole assembly, configured like production (ADO.NET storage "axme" with the
/// System.Text.Json serializer, ADO.NET reminders) on a fresh PostgreSQL database that is dropped at the end.
/// Notifications go to an in-process SMTP sink and a chat webhook receiver that live as long as the silo.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string PostgresVariable = "AXME_TEST_POSTGRES";
    public static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DeliveredWriteDelay = TimeSpan.FromSeconds(2);
    private const string Invariant = "Npgsql";
    public const string ChatSecret = "chat-secret-0123456789abcdef";

    private string? _adminConnectionString;
    private string? _database;
    private InProcessTestCluster? _cluster;
    private NpgsqlDataSource? _db;
    private SmtpSink? _smtp;
    private WebhookReceiver? _chat;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("cluster not deployed");
    public IClusterClient Client => Cluster.Client;
    /// <summary>The test database, for checking what the grains wrote.</summary>
    public NpgsqlDataSource Db => _db ?? throw new InvalidOperationException("database not created");
    public string ServiceId => Cluster.Options.ServiceId;
    /// <summary>The test database's connection string (with its password, unlike <see cref="NpgsqlDataSource.ConnectionString"/>).</summary>
    public string ConnectionString { get; private set; } = "";
    /// <summary>The SMTP server e-mail notifications go to (Axme:Email).</summary>
    public SmtpSink Smtp => _smtp ?? throw new InvalidOperationException("SMTP sink not started");
    /// <summary>The chat webhook (Axme:Notifications:WebhookUrl), verifying signatures with <see cref="ChatSecret"/>; answers 200.</summary>
    public WebhookReceiver Chat => _chat ?? throw new InvalidOperationException("chat receiver not started");

    public async Task InitializeAsync()
    {
        _adminConnectionString = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(_adminConnectionString))
            throw new InvalidOperationException(
                $"{PostgresVariable} is not set. Run ./test.sh, or: scripts/postgres.sh start && " +
                $"{PostgresVariable}=\"$(scripts/postgres.sh url)\" dotnet test tests/Axme.Grains.Tests");

        _database = "axme_gt_" + Guid.NewGuid().ToString("N")[..12];
        await AdminAsync($"CREATE DATABASE {_database}");
        var connectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _database }.ConnectionString;
        ConnectionString = connectionString;
        _db = NpgsqlDataSource.Create(connectionString);
        await SchemaMigrator.ApplyAsync(_db);

        _smtp = await SmtpSink.StartAsync();
        _chat = await WebhookReceiver.StartAsync(ChatSecret, (_, _) => 200);
        var smtpPort = _smtp.Port;
        var chatUrl = _chat.BaseUrl + "/chat";

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton(TimeProvider.System);
            GrainInterfaceTypeCache.AddTo(host.Services);
            host.Services.Configure<IntentOptions>(o =>
            {
                o.DeadlineReminderPeriod = ReminderPeriod;
                // Long enough that a test's next call always comes first: DeliveredWriteTests tell "written with the
                // next write" from "written by the timer".
                o.DeliveredWriteDelay = DeliveredWriteDelay;
            });
            host.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(s => StorageJson.Configure(s.JsonSerializerOptions));
            host.Services.Configure<DeliveryOptions>(o =>
            {
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(400);
                o.ReminderPeriod = ReminderPeriod;
                o.RequestTimeout = TimeSpan.FromSeconds(2);
            });
            // The node's outbound policy (ADR 017) with this machine's receivers allowed, as the tests' nodes have it.
            host.Services.AddHttpClient(DeliveryOptions.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new Axme.Grains.Interfaces.Delivery.OutboundAddresses(["127.0.0.1"]).CreateHandler());
            host.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
            host.Services.AddSingleton<LifecycleSubscribers>();
            host.Services.AddSingleton<Axme.Grains.Schemas.SemanticSchemaCache>();
            host.Services.AddSingleton<Axme.Grains.Accounts.AliasDirectory>();
            host.Services.AddSingleton<Axme.Grains.Interfaces.Tenancy.TenantGate>();
            host.Services.AddSingleton<Axme.Grains.Interfaces.Accounts.ApiKeyCache>();
            host.Services.AddSingleton<Axme.Grains.Interfaces.Agents.AgentCache>();
            host.Services.AddSingleton(sp => new Axme.Grains.Interfaces.Tenancy.UsageMeter(sp.GetRequiredService<TimeProvider>()));
            host.Services.AddSingleton<Axme.Grains.Interfaces.Tenancy.QuotaGate>();
            host.Services.AddSingleton<Axme.Grains.Workflows.ScenarioPlans>();
            host.Services.AddSingleton<IInternalHandler, EchoHandler>();
            host.Services.AddSingleton<IInternalHandler>(FlakyHandler.Instance);
            host.Services.AddSingleton<InternalHandlers>();
            host.Services.Configure<EmailOptions>(e =>
            {
                e.Host = "127.0.0.1";
                e.Port = smtpPort;
                e.SecureSocket = "none";
                e.From = "Axme <axme@tests.example>";
                e.Timeout = TimeSpan.FromSeconds(5);
            });
            host.Services.Configure<NotificationOptions>(n => { n.WebhookUrl = chatUrl; n.WebhookSecret = ChatSecret; });
            host.Services.AddSingleton<NotificationChannels>();
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAdoNetGrainStorage(AxmeNames.Storage, s => { s.Invariant = Invariant; s.ConnectionString = connectionString; });
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.AddAxmeIntentStorage(connectionString);
            silo.UseAdoNetReminderService(r => { r.Invariant = Invariant; r.ConnectionString = connectionString; });
            silo.Configure<ReminderOptions>(r =>
            {
                r.MinimumReminderPeriod = ReminderPeriod;
                new ReminderLoading().ApplyTo(r); // the node's: the range reads of 001_orleans.sql look only 4 minutes ahead
            });
            // The node's call filters: failures leave our grains as protocol refusals; calls that changed nothing are retried.
            silo.AddIncomingGrainCallFilter<TransientFaultFilter>();
            silo.AddOutgoingGrainCallFilter<RejectedCallRetry>();
        });
        // The tests' calls come from a client outside the silo: it retries the same way the node's own calls do.
        builder.ConfigureClient(client => client.AddOutgoingGrainCallFilter<RejectedCallRetry>());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
        if (_smtp is not null) await _smtp.DisposeAsync();
        if (_chat is not null) await _chat.DisposeAsync();
        if (_db is not null) await _db.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_database is not null) await AdminAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
    }

    /// <summary>The first column of the first row, or default when there is no row.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = Db.CreateCommand(sql);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        var result = await cmd.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>The first row's values, or null when there is no row.</summary>
    public async Task<object?[]?> RowAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = Db.CreateCommand(sql);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        var row = new object?[reader.FieldCount];
        for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        return row;
    }

    private async Task AdminAsync(string sql)
    {
        await using var admin = NpgsqlDataSource.Create(_adminConnectionString!);
        await using var cmd = admin.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
