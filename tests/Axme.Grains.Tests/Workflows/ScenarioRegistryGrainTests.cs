using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Workflows;
using Axme.Grains.Workflows;

namespace Axme.Grains.Tests.Workflows;

/// <summary>A workspace's registry on the test cluster: built-ins first, who may change what, and its bounds.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ScenarioRegistryGrainTests(ClusterFixture fx)
{
    private IScenarioRegistryGrain Registry() => fx.Client.GetGrain<IScenarioRegistryGrain>(IScenarioRegistryGrain.KeyFor("acme", "r" + Guid.NewGuid().ToString("N")[..8]));

    private static RegisteredScenario Scenario(string id, int bytes = 100) =>
        new() { ScenarioId = id, BundleJson = "{\"x\":\"" + new string('a', bytes) + "\"}", CompileId = "cmp_1", CreatedBy = "ignored" };

    [Fact]
    public async Task Templates_are_the_built_ins_then_the_workspaces_own_and_only_an_admin_changes_them()
    {
        var registry = Registry();
        var definition = """{"macro_id": "acme.review.v1", "steps": [{"step_id": "a", "assigned_to": "x"}]}""";
        var refused = await Assert.ThrowsAsync<ProtocolException>(() => registry.PutMacroAsync(definition, TestData.Caller()));
        Assert.Equal("admin_required", refused.Code);
        var admin = TestData.Caller() with { IsAdmin = true };

        var saved = await registry.PutMacroAsync(definition, admin);
        var replaced = await registry.PutMacroAsync(definition, admin);

        Assert.Equal((1, 2), (saved.Version, replaced.Version));
        Assert.Equal(saved.CreatedAt, replaced.CreatedAt);
        Assert.Equal([.. ScenarioMacros.BuiltIns.Select(m => m.MacroId), "acme.review.v1"], (await registry.ListMacrosAsync()).Select(m => m.MacroId));
        Assert.Equal("builtin_macro", (await Assert.ThrowsAsync<ProtocolException>(() => registry.DeleteMacroAsync("human.cli.v1", admin))).Code);
        Assert.True(await registry.DeleteMacroAsync("acme.review.v1", admin));
        Assert.False(await registry.DeleteMacroAsync("acme.review.v1", admin));
    }

    [Fact]
    public async Task Scenarios_keep_their_registrant_and_the_registry_stays_within_its_bytes()
    {
        var registry = Registry();
        var owner = TestData.Caller();
        var other = TestData.Caller() with { ServiceAccountId = "sa_other" };
        await registry.PutScenarioAsync(Scenario("acme.one.v1"), owner);
        Assert.Equal("not_scenario_owner", (await Assert.ThrowsAsync<ProtocolException>(() => registry.PutScenarioAsync(Scenario("acme.one.v1"), other))).Code);
        Assert.Equal(owner.ServiceAccountId, (await registry.PutScenarioAsync(Scenario("acme.one.v1"), other with { IsAdmin = true })).CreatedBy);

        // 100 KiB bundles (the largest a request may carry is 128 KiB): the 41st would pass 4 MiB.
        for (var i = 0; i < 40; i++) await registry.PutScenarioAsync(Scenario($"acme.big{i}.v1", 100 * 1024), owner);
        var full = await Assert.ThrowsAsync<ProtocolException>(() => registry.PutScenarioAsync(Scenario("acme.big40.v1", 100 * 1024), owner));
        Assert.Equal("registry_full", full.Code);
        Assert.True(await registry.DeleteScenarioAsync("acme.big0.v1", owner));
        await registry.PutScenarioAsync(Scenario("acme.big40.v1", 100 * 1024), owner); // room again
        Assert.Equal(41, (await registry.ListScenariosAsync()).Count);
    }
}
