using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;
using AutoDesign.Host.Hosting;
using AutoDesign.Host.Placement;
using AutoDesign.Host.Profiling;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AutoDesign.Host.Tests.Grains;

/// <summary>Placement of device-owned grains in a two-silo Orleans test cluster.</summary>
public sealed class SiloBoundPlacementTests : IAsyncLifetime
{
    private readonly TestDataFolder _data = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddPlacementDirector<SiloBoundPlacement, SiloBoundPlacementDirector>();
            silo.AddMemoryGrainStorageAsDefault();
            silo.Services.AddSingleton(new DataFolder(_data.Root));
            SiloConfiguration.AddEngineSerializer(silo.Services);
        });
        builder.ConfigureClient(client => SiloConfiguration.AddEngineSerializer(client.Services));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task A_device_grain_is_activated_on_the_silo_its_key_names_whoever_calls_it()
    {
        var spec = ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10);
        foreach (var silo in _cluster.Silos)
        {
            var owner = silo.SiloAddress;
            var byName = _cluster.Client.GetGrain<IProfilerGrain>(SiloBoundPlacement.KeyFor(owner.ToParsableString(), "bitfusion"));
            var byEndpoint = _cluster.Client.GetGrain<IProfilerGrain>(SiloBoundPlacement.KeyFor(owner.Endpoint.ToString(), "bitfusion"));

            Assert.Equal(owner.ToParsableString(), (await byName.MeasureAsync(spec, null)).MeasuredOn);
            Assert.Equal(owner.ToParsableString(), (await byEndpoint.MeasureAsync(spec, null)).MeasuredOn);
        }
    }

    [Fact]
    public async Task A_grain_of_a_silo_that_is_not_in_the_cluster_fails_with_the_silos_name()
    {
        var grain = _cluster.Client.GetGrain<IProfilerGrain>(SiloBoundPlacement.KeyFor("10.9.9.9:1@1", "torchsharp-cpu"));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => grain.MeasureAsync(ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10), null));
        Assert.Contains("10.9.9.9:1@1", error.ToString());
    }
}
