using AutoDesign.Host.Hosting;
using AutoDesign.Host.Placement;
using AutoDesign.Modeling;

namespace AutoDesign.Host.Training;

/// <summary>What a silo needs to take part in data-parallel runs outside the service (a benchmark's own silos): placement by silo, the engine's records on the wire, its data folder.</summary>
public static class TrainingSilo
{
    public static ISiloBuilder AddDataParallelTraining(this ISiloBuilder silo, DataFolder folder)
    {
        silo.AddPlacementDirector<SiloBoundPlacement, SiloBoundPlacementDirector>();
        silo.Services.AddSingleton(folder);
        SiloConfiguration.AddEngineSerializer(silo.Services);
        return silo;
    }
}
