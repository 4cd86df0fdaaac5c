using Axme.Grains.Interfaces.Accounts;
using Microsoft.Extensions.Options;

namespace Axme.Silo.Hosting;

/// <summary>
/// Ensures an admin service account exists once the silo runs. AXME_ADMIN_KEY, when set, is bound to
/// it (by hash). Otherwise, when the account has no active key, one is generated and printed once:
/// only its hash is stored, so it cannot be shown again.
/// </summary>
public sealed partial class AdminKeyBootstrap(IGrainFactory grains, IOptions<AxmeOptions> options, ILogger<AdminKeyBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var workspace = grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(o.AdminOrg, o.AdminWorkspace));
        var (admin, _) = await workspace.CreateServiceAccountAsync(new CreateServiceAccountCommand
        {
            OrgId = o.AdminOrg,
            WorkspaceId = o.AdminWorkspace,
            Name = "admin",
            DisplayName = "Administrator",
            Description = "Bootstrap admin account",
            CreatedByActorId = "system",
            IsAdmin = true,
        });
        var account = grains.GetGrain<IServiceAccountGrain>(admin.ServiceAccountId);
        if (!string.IsNullOrEmpty(o.AdminKey))
        {
            if (await grains.GetGrain<IApiKeyGrain>(TokenHash.Of(o.AdminKey)).AuthenticateAsync() is null)
                await account.CreateKeyAsync(null, o.AdminKey);
            LogConfiguredKey();
            return;
        }
        if (await account.CreateFirstKeyAsync() is { } created)
        {
            // Printed to stdout on purpose, once, and never logged: it is a secret.
            Console.WriteLine();
            Console.WriteLine("==> Generated admin API key (shown only this once; only its hash is stored):");
            Console.WriteLine($"    {created.Token}");
            Console.WriteLine("    Use it as:  curl -H 'x-api-key: <key>' ...   or set AXME_ADMIN_KEY to choose your own.");
            Console.WriteLine();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin API key from configuration is active")]
    private partial void LogConfiguredKey();
}
