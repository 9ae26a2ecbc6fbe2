using System.Text.Json;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;
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
        });
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
        string spec = ModelSpecJson.Serialize(ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10), indented: false);
        foreach (var silo in _cluster.Silos)
        {
            var owner = silo.SiloAddress;
            var byName = _cluster.Client.GetGrain<IProfilerGrain>(SiloBoundPlacement.KeyFor(owner.ToParsableString(), "bitfusion"));
            var byEndpoint = _cluster.Client.GetGrain<IProfilerGrain>(SiloBoundPlacement.KeyFor(owner.Endpoint.ToString(), "bitfusion"));

            Assert.Equal(owner.ToParsableString(), MeasuredOn(await byName.Measure(spec, null)));
            Assert.Equal(owner.ToParsableString(), MeasuredOn(await byEndpoint.Measure(spec, null)));
        }
    }

    [Fact]
    public async Task A_grain_of_a_silo_that_is_not_in_the_cluster_fails_with_the_silos_name()
    {
        var grain = _cluster.Client.GetGrain<IProfilerGrain>(SiloBoundPlacement.KeyFor("10.9.9.9:1@1", "torchsharp-cpu"));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => grain.Measure("{}", null));
        Assert.Contains("10.9.9.9:1@1", error.ToString());
    }

    private static string MeasuredOn(string report) => JsonDocument.Parse(report).RootElement.GetProperty("measuredOn").GetString()!;
}
