using Axme.Api;
using Axme.Api.Hosting;
using Axme.Silo.Hosting;
using Npgsql;

// The content root is the app's own folder, so appsettings.json applies whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddInMemoryCollection(AxmeOptions.FromEnvironment());
var axme = builder.Configuration.GetSection(AxmeOptions.Section).Get<AxmeOptions>() ?? new AxmeOptions();
if (string.IsNullOrWhiteSpace(axme.Postgres))
    throw new InvalidOperationException("Set AXME_POSTGRES (or Axme:Postgres) to a PostgreSQL connection string; ./run.sh does this for you.");
if (axme.AdminKey is { Length: > 0 and < AxmeOptions.MinAdminKeyLength })
    throw new InvalidOperationException($"AXME_ADMIN_KEY must be at least {AxmeOptions.MinAdminKeyLength} characters (unset it to have a random key generated).");
if (!Axme.Grains.Interfaces.Accounts.TenantNames.IsCanonical(axme.AdminOrg) || !Axme.Grains.Interfaces.Accounts.TenantNames.IsCanonical(axme.AdminWorkspace))
    throw new InvalidOperationException("Axme:AdminOrg and Axme:AdminWorkspace must be canonical names: lower-case a-z, 0-9, '.', '_', '-' (ADR 017).");

builder.Services.Configure<AxmeOptions>(builder.Configuration.GetSection(AxmeOptions.Section));
builder.Services.PostConfigure<ApiOptions>(o =>
{
    o.ServiceId = axme.ServiceId;
    o.Dashboard = axme.Dashboard;
});
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddNpgsqlDataSource(OrleansHosting.Tuned(axme.Postgres));
builder.WebHost.UseUrls($"http://{axme.Host}:{axme.Port}");
builder.AddAxmeObservability(axme);
builder.AddAxmeSilo(axme);
builder.AddAxmeDelivery(axme);
builder.Services.AddAxmeApi(builder.Configuration);
builder.Services.AddHostedService<AdminKeyBootstrap>();
builder.Services.AddHostedService<DeadlineSweep>();
builder.Services.AddHostedService<HandoffSweep>();

var app = builder.Build();
await SchemaMigrator.ApplyAsync(app.Services.GetRequiredService<NpgsqlDataSource>());
await TenantNameCheck.EnsureAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), axme);
if (!string.IsNullOrWhiteSpace(axme.KeyRingCertificate)) KeyRingCertificate.RotateUnencryptedDefault(app.Services, axme.ServiceId);
app.MapAxmeApi();
app.MapAxmeOperatorView(axme);
await app.RunAsync();
