using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Tenancy;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>
/// Ensures the admin's organization and workspace and an admin service account exist once the silo runs. AXME_ADMIN_KEY, when set, is bound to
/// it (by hash). Otherwise, when the account has no active key, one is generated and printed once:
/// only its hash is stored, so it cannot be shown again.
/// </summary>
public sealed partial class AdminKeyBootstrap(IGrainFactory grains, NpgsqlDataSource db, IOptions<AxmeOptions> options, ILogger<AdminKeyBootstrap> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        // The admin's tenant is an ordinary organization and workspace (docs/adr/026), made before anything is put in it.
        // Once per database, not at every start: it reads every stored workspace and account.
        var directory = grains.GetGrain<IOrganizationDirectoryGrain>(IOrganizationDirectoryGrain.Key);
        if (!await directory.AdoptedAsync())
        {
            await TenantAdoption.AdoptAsync(db, grains, o.ServiceId);
            await directory.MarkAdoptedAsync();
        }
        var org = grains.GetGrain<IOrganizationGrain>(o.AdminOrg);
        await org.AdoptWorkspaceAsync(o.AdminWorkspace, "system");
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
        await org.AddMemberAsync(new AddMemberCommand { ActorId = admin.ServiceAccountId, Role = MemberRoles.Owner });
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
            // A secret: shown once to the person at the terminal, never in the log stream (ADR 017 §4). When standard
            // output is a terminal it goes there, beside the log lines but not through the logger; when it is collected
            // (a container, a service, a redirect) it goes to a file only this user can read, and the log says where.
            if (!Console.IsOutputRedirected)
            {
                Console.WriteLine();
                Console.WriteLine("==> Generated admin API key (shown only this once; only its hash is stored):");
                Console.WriteLine($"    {created.Token}");
                Console.WriteLine("    Use it as:  curl -H 'x-api-key: <key>' ...   or set AXME_ADMIN_KEY to choose your own.");
                Console.WriteLine();
            }
            else
            {
                var path = Path.GetFullPath(o.EffectiveAdminKeyFile);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, created.Token + "\n");
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                LogGeneratedKeyFile(path);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generated an admin API key (only its hash is stored); it is in {Path}, readable by this user only: read it once, then delete the file")]
    private partial void LogGeneratedKeyFile(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin API key from configuration is active")]
    private partial void LogConfiguredKey();
}
