using Axme.Grains.Interfaces.Intents;
using Axme.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Metadata;
using Orleans.Serialization.TypeSystem;

namespace Axme.Grains.Tests.Hosting;

/// <summary>The grain interface type cache in front of Orleans' providers: the same answers, without the per-call reflection.</summary>
public sealed class GrainInterfaceTypeCacheTests
{
    [Fact]
    public void Answers_as_Orleans_does_for_every_grain_interface_and_stops_allocating()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseLocalhostClustering());
        GrainInterfaceTypeCache.AddTo(builder.Services);
        using var host = builder.Build();
        var providers = host.Services.GetServices<IGrainInterfaceTypeProvider>().ToList();
        Assert.IsType<GrainInterfaceTypeCache>(providers[0]);
        var orleans = new GrainInterfaceTypeResolver(providers.Skip(1), host.Services.GetRequiredService<TypeConverter>());
        var resolver = host.Services.GetRequiredService<GrainInterfaceTypeResolver>();

        var interfaces = typeof(IIntentGrain).Assembly.GetTypes()
            .Where(t => t.IsInterface && !t.IsGenericType && typeof(IAddressable).IsAssignableFrom(t))
            .Append(typeof(IManagementGrain)).ToList();
        Assert.True(interfaces.Count > 15, $"only {interfaces.Count} grain interfaces found");
        foreach (var type in interfaces)
        {
            var expected = orleans.GetGrainInterfaceType(type);
            Assert.Equal(expected, resolver.GetGrainInterfaceType(type)); // first meeting: asks the other providers
            Assert.Equal(expected, resolver.GetGrainInterfaceType(type)); // then from the dictionary
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) resolver.GetGrainInterfaceType(typeof(IIntentGrain));
        var cached = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) orleans.GetGrainInterfaceType(typeof(IIntentGrain));
        var uncached = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(cached * 100 < uncached, $"1000 lookups allocated {cached} bytes cached, {uncached} bytes uncached");
    }
}
