using Axme.Grains.Interfaces.Accounts;
using Axme.Silo.Hosting;

namespace Axme.Grains.Tests.Accounts;

/// <summary>An older database with non-canonical tenant names is found at start (issue 11 item 2, ADR 017 §3).</summary>
[Collection(ClusterCollection.Name)]
public sealed class TenantNameCheckTests(ClusterFixture fx)
{
    [Fact]
    public async Task Accounts_stored_under_non_canonical_names_are_named_and_refuse_the_start_unless_allowed()
    {
        // Written straight to the grain, as a node before ADR 017 accepted it from the API.
        var legacy = "Legacy Corp " + Guid.NewGuid().ToString("N")[..6];
        await (await TestData.WorkspaceAsync(fx.Client, legacy, "Prod")).CreateServiceAccountAsync(new CreateServiceAccountCommand
        {
            OrgId = legacy, WorkspaceId = "Prod", Name = "old-agent", CreatedByActorId = "test",
        });
        var found = await TenantNameCheck.NonCanonicalAsync(fx.Db, fx.ServiceId);
        Assert.Contains($"{legacy}/Prod", found);
        Assert.All(found, n => Assert.False(n.Split('/') is [var o, var w] && TenantNames.IsCanonical(o) && TenantNames.IsCanonical(w), n));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TenantNameCheck.EnsureAsync(fx.Db, new AxmeOptions { ServiceId = fx.ServiceId }));
        Assert.Contains(legacy, refused.Message);
        Assert.Contains("AllowNonCanonicalTenants", refused.Message);
        await TenantNameCheck.EnsureAsync(fx.Db, new AxmeOptions { ServiceId = fx.ServiceId, AllowNonCanonicalTenants = true });
    }
}
