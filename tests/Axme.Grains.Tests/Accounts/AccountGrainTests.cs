using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Tests.Common;
using Microsoft.Extensions.Time.Testing;
using Orleans.Core.Internal;

namespace Axme.Grains.Tests.Accounts;

[Collection(ClusterCollection.Name)]
public sealed class AccountGrainTests(ClusterFixture fx)
{
    private readonly string _org = TestData.NewName("org");
    private readonly string _workspace = TestData.NewName("ws");

    [Fact]
    public async Task Creating_a_service_account_by_the_same_name_is_idempotent()
    {
        var workspace = await Workspace();

        var (first, firstCreated) = await workspace.CreateServiceAccountAsync(Command("billing"));
        var (second, secondCreated) = await workspace.CreateServiceAccountAsync(Command("billing"));
        var (other, otherCreated) = await workspace.CreateServiceAccountAsync(Command("shipping"));

        Assert.True(firstCreated);
        Assert.False(secondCreated);
        Assert.Equal(first.ServiceAccountId, second.ServiceAccountId);
        Assert.True(otherCreated);
        Assert.NotEqual(first.ServiceAccountId, other.ServiceAccountId);
        Assert.Equal($"agent://{_org}/{_workspace}/billing", first.AgentAddress);
        Assert.Equal([first.ServiceAccountId, other.ServiceAccountId], await workspace.ListServiceAccountIdsAsync());
    }

    [Fact]
    public async Task A_key_authenticates_until_revoked_and_its_secret_is_never_stored()
    {
        var (account, _) = await (await Workspace()).CreateServiceAccountAsync(Command("billing"));
        var accountGrain = fx.Client.GetGrain<IServiceAccountGrain>(account.ServiceAccountId);

        var created = await accountGrain.CreateKeyAsync(null);
        var keyGrain = fx.Client.GetGrain<IApiKeyGrain>(TokenHash.Of(created.Token));
        var caller = await keyGrain.AuthenticateAsync();

        Assert.NotNull(caller);
        Assert.Equal(account.ServiceAccountId, caller.ServiceAccountId);
        Assert.Equal(created.Key.KeyId, caller.KeyId);
        Assert.Equal((_org, _workspace), (caller.OrgId, caller.WorkspaceId));
        Assert.Equal(account.AgentAddress, caller.AgentAddress);
        Assert.False(caller.IsAdmin);
        Assert.Null(await fx.Client.GetGrain<IApiKeyGrain>(TokenHash.Of(created.Token + "x")).AuthenticateAsync());

        var revoked = await accountGrain.RevokeKeyAsync(created.Key.KeyId);

        Assert.Equal("revoked", revoked.Status);
        Assert.Null(await keyGrain.AuthenticateAsync());

        var secret = created.Token[(created.Token.LastIndexOf('_') + 1)..];
        Assert.Equal(64, secret.Length);
        var rows = await fx.ScalarAsync<long>(
            "SELECT count(*) FROM orleansstorage WHERE serviceid = @service AND convert_from(payloadbinary, 'UTF8') LIKE @hash",
            ("service", fx.ServiceId), ("hash", $"%{created.Key.TokenHash}%"));
        var leaks = await fx.ScalarAsync<long>(
            "SELECT count(*) FROM orleansstorage WHERE payloadbinary IS NOT NULL AND position(@secret in convert_from(payloadbinary, 'UTF8')) > 0",
            ("secret", secret));
        Assert.True(rows >= 1, "the key's hash should be stored on the account"); // the check below looks in the right place
        Assert.Equal(0, leaks);
    }

    [Fact]
    public async Task A_silo_keeps_a_key_s_answer_but_never_past_the_key_s_expiry()
    {
        var (account, _) = await (await Workspace()).CreateServiceAccountAsync(Command("kept"));
        var expires = DateTimeOffset.UtcNow.AddSeconds(2);
        var created = await fx.Client.GetGrain<IServiceAccountGrain>(account.ServiceAccountId).CreateKeyAsync(expires);
        var hash = TokenHash.Of(created.Token);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new ApiKeyCache(fx.Client, clock);

        Assert.Equal(created.Key.KeyId, (await cache.AuthenticateAsync(hash))?.KeyId);
        Assert.Null(await Eventually.WaitAsync(() => fx.Client.GetGrain<IApiKeyGrain>(hash).AuthenticateAsync(), c => c is null, TimeSpan.FromSeconds(10)));

        // The grain's clock passed the expiry, this silo's did not: the answer it keeps is served without asking.
        Assert.Equal(created.Key.KeyId, (await cache.AuthenticateAsync(hash))?.KeyId);
        clock.SetUtcNow(expires); // well inside ApiKeyCache.Lifetime: the key's expiry ends the kept answer
        Assert.Null(await cache.AuthenticateAsync(hash));
    }

    [Fact]
    public async Task A_key_tells_the_silos_keeping_its_answer_to_forget_it_before_a_change_returns_and_when_it_deactivates()
    {
        var (account, _) = await (await Workspace()).CreateServiceAccountAsync(Command("held"));
        var accountGrain = fx.Client.GetGrain<IServiceAccountGrain>(account.ServiceAccountId);
        var created = await accountGrain.CreateKeyAsync(null);
        var hash = TokenHash.Of(created.Token);
        var keyGrain = fx.Client.GetGrain<IApiKeyGrain>(hash);
        var cache = new ApiKeyCache(fx.Client, TimeProvider.System);
        var holder = new RecordingHolder();
        var reference = fx.Client.CreateObjectReference<IApiKeyHolder>(holder);
        try
        {
            Assert.False((await cache.AuthenticateAsync(hash))!.AgentKilled);
            Assert.NotNull((await keyGrain.HoldAsync(reference)).Caller);

            await accountGrain.SetAgentKilledAsync(true);
            Assert.Equal([hash], holder.Forgotten()); // told before the change returned, not some time later
            Assert.True((await cache.AuthenticateAsync(hash))!.AgentKilled); // the kept answer was dropped

            await keyGrain.HoldAsync(reference);
            await accountGrain.RevokeKeyAsync(created.Key.KeyId);
            Assert.Equal([hash], holder.Forgotten());
            Assert.Null(await cache.AuthenticateAsync(hash));
            Assert.Null((await keyGrain.HoldAsync(reference)).Caller); // a revoked key keeps no holder

            // A new activation would not know its holders: the one that ends tells them.
            var other = await accountGrain.CreateKeyAsync(null);
            var otherGrain = fx.Client.GetGrain<IApiKeyGrain>(TokenHash.Of(other.Token));
            await otherGrain.HoldAsync(reference);
            await otherGrain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            Assert.Equal([TokenHash.Of(other.Token)],
                await Eventually.WaitAsync(() => Task.FromResult(holder.Forgotten()), f => f.Length > 0, TimeSpan.FromSeconds(10)));
        }
        finally
        {
            fx.Client.DeleteObjectReference<IApiKeyHolder>(reference);
        }
    }

    private Task<IWorkspaceGrain> Workspace() => TestData.WorkspaceAsync(fx.Client, _org, _workspace);

    private CreateServiceAccountCommand Command(string name) => new()
    {
        OrgId = _org,
        WorkspaceId = _workspace,
        Name = name,
        CreatedByActorId = "sa_admin",
    };
}
