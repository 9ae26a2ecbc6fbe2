using AutoDesign.Host.Hosting;
using AutoDesign.Host.Placement;
using AutoDesign.Host.Training;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Distributed;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AutoDesign.Host.Tests.Grains;

/// <summary>Data-parallel training with one worker on each silo of a two-silo Orleans test cluster.</summary>
public sealed class DataParallelTrainingTests : IAsyncLifetime
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
    public async Task Workers_on_two_silos_exchange_compressed_gradients_through_grains_and_end_with_the_weights_of_the_same_run_in_one_process()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        var spec = ModelZoo.Create("lenet5", mnist.Info.Shape, 10);
        var options = new TrainingOptions
        {
            Epochs = 2, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, WeightDecay = 5e-4, BatchSize = 64, Augment = true, TrainLimit = 3_000,
        };
        var compression = new GradientCompression { Density = 0.01, WarmupEpochs = 1 };
        var silos = _cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).ToList();

        var runs = silos.Select((silo, rank) => _cluster.Client.GetGrain<ITrainingWorkerGrain>(ITrainingWorkerGrain.KeyFor(silo, "run-1", rank))
            .TrainAsync(new TrainingAssignment("run-1", rank, 2, spec, "mnist", options, compression, InitialSeed: 11))).ToList();
        var histories = await Task.WhenAll(runs);

        Assert.All(histories, h => Assert.Equal(2, h.Count));
        for (int epoch = 0; epoch < 2; epoch++) Assert.Equal(histories[0][epoch].WeightsHash, histories[1][epoch].WeightsHash);
        Assert.True(histories[0][^1].CompressionRatio > 10, $"ratio {histories[0][^1].CompressionRatio:F1}");
        // it learns (chance is 10 %; 1 % of each weight per step over 94 steps and shifted images keep it slow)
        Assert.True(histories[0][^1].ValidationAccuracy > 0.3, $"accuracy {histories[0][^1].ValidationAccuracy:P1}");

        // The same run with both workers in this process: the same bits, so the grains changed nothing but where the work ran.
        var replicas = Enumerable.Range(0, 2).Select(_ =>
        {
            TorchSharp.torch.manual_seed(11);
            return new SpecNetwork(spec);
        }).ToList();
        var local = new DataParallelTrainer(compression).Train(replicas, mnist, options);
        Assert.Equal(local[^1].WeightsHash, histories[0][^1].WeightsHash);
        Assert.Equal(local[^1].BytesSent, histories[0][^1].BytesSent + histories[1][^1].BytesSent);
        foreach (var r in replicas) r.Dispose();
    }
}
