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
using Microsoft.Extensions.Logging.Abstractions;
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
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddDataParallelTraining(FolderOf(options.SiloName)); // each silo its own, as on separate machines
        });
        builder.ConfigureClient(client => SiloConfiguration.AddEngineSerializer(client.Services));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    // A silo's data folder: its own checkpoints, the shared data sets.
    private DataFolder FolderOf(string silo)
    {
        string root = Path.Combine(_data.Root, "silos", silo);
        if (!Directory.Exists(root))
        {
            Directory.CreateDirectory(root);
            Directory.CreateSymbolicLink(Path.Combine(root, "datasets"), _data.Folder.Datasets);
        }
        return new DataFolder(root);
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

        string exchange = SiloBoundPlacement.KeyFor(silos[0], "run-1#0");
        var runs = silos.Select((silo, rank) => _cluster.Client.GetGrain<ITrainingWorkerGrain>(ITrainingWorkerGrain.KeyFor(silo, "run-1", rank))
            .TrainAsync(new TrainingAssignment(new DataParallelRun("run-1", spec, "mnist", options, compression, 2) { InitialSeed = 11 }, rank, 2, exchange))).ToList();
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

    [Theory]
    [InlineData(0)] // worker 0's silo, where the exchange is
    [InlineData(1)]
    public async Task When_a_silo_is_killed_mid_run_the_run_resumes_on_the_silo_left_from_its_last_checkpoint_and_ends_after_the_same_steps(int killed)
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        var spec = ModelZoo.Create("lenet5", mnist.Info.Shape, 10);
        var options = new TrainingOptions
        {
            Epochs = 4, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, BatchSize = 64, Augment = false, TrainLimit = 3_000,
        };
        var run = new DataParallelRun("run-killed", spec, "mnist", options, new GradientCompression { Density = 0.01, WarmupEpochs = 1 }, 2) { InitialSeed = 5 };
        var preferred = _cluster.Silos[0];
        var survivor = _cluster.Silos[1 - killed];
        var checkpoints = new DataParallelCheckpoints(DataParallelRun.CheckpointDirectory(FolderOf(survivor.Name), run.Name));
        var handedOn = new List<int>();
        var training = new ClusterTraining(_cluster.Client, NullLogger.Instance, preferred.SiloAddress.ToParsableString())
            .TrainAsync(run, epoch => { handedOn.Add(epoch.Epoch); return Task.CompletedTask; }, CancellationToken.None);

        while (checkpoints.LatestEpoch() is null)
        {
            Assert.False(training.IsCompleted, training.Exception?.ToString());
            await Task.Delay(100);
        }
        await _cluster.KillSiloAsync(_cluster.Silos[killed]);
        var history = await training.WaitAsync(TimeSpan.FromMinutes(5));

        Assert.True(history[0].Epoch >= 2, $"the run restarted at epoch {history[0].Epoch} instead of resuming"); // the survivor's own reports begin after its checkpoint
        Assert.Equal(4, history[^1].Epoch);
        Assert.Equal(1, history[^1].Workers);
        Assert.Equal((3_000 + 63) / 64, history[^1].Steps);
        using var network = new SpecNetwork(spec);
        Assert.Equal(4, checkpoints.RestoreNetwork(network));
        Assert.Equal(history[^1].WeightsHash, DataParallelWorker.WeightsHash(network.parameters()));
        Assert.True(history[^1].ValidationAccuracy > 0.5, $"accuracy {history[^1].ValidationAccuracy:P1}");
        // epochs were handed on as they ended, once each and in order, those after the loss by the survivor (one that
        // ended as its silo died, before it was collected, may be missing)
        Assert.Equal(handedOn.Order().Distinct(), handedOn);
        Assert.Equal(4, handedOn[^1]);
    }

    [Fact]
    public async Task A_silo_that_joins_a_run_short_of_workers_is_taken_in_after_the_next_epoch_with_the_current_weights()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        var spec = ModelZoo.Create("lenet5", mnist.Info.Shape, 10);
        var options = new TrainingOptions { Epochs = 8, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, BatchSize = 64, Augment = false, TrainLimit = 3_000 };
        var run = new DataParallelRun("run-joined", spec, "mnist", options, new GradientCompression { Density = 0.01, WarmupEpochs = 1 }, Workers: 3)
        {
            InitialSeed = 6,
            LinkBitsPerSecond = 1e9, LinkLatency = TimeSpan.FromMilliseconds(15), // 1.5 s an epoch at least, so that the newcomer comes in time on a busy machine
        };
        var handedOn = new List<DataParallelEpoch>();
        var training = new ClusterTraining(_cluster.Client, NullLogger.Instance, _cluster.Silos[0].SiloAddress.ToParsableString())
            .TrainAsync(run, epoch => { handedOn.Add(epoch); return Task.CompletedTask; }, CancellationToken.None);
        var first = new DataParallelCheckpoints(DataParallelRun.CheckpointDirectory(FolderOf(_cluster.Silos[0].Name), run.Name));
        while (first.LatestEpoch() is null)
        {
            Assert.False(training.IsCompleted, training.Exception?.ToString());
            await Task.Delay(100);
        }

        var joined = await _cluster.StartAdditionalSiloAsync(); // two of the three workers so far
        var history = await training.WaitAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(Enumerable.Range(1, 8), handedOn.Select(e => e.Epoch)); // every epoch, in order, once
        Assert.Equal(2, handedOn[0].Workers);
        Assert.Equal(3, handedOn[^1].Workers); // the joiner trained the last epochs
        Assert.All(handedOn, e => Assert.Equal((3_000 + 63) / 64, e.Steps)); // the same steps in every epoch
        Assert.Equal(8, history[^1].Epoch);
        using var network = new SpecNetwork(spec);
        var joinersCheckpoint = new DataParallelCheckpoints(DataParallelRun.CheckpointDirectory(FolderOf(joined.Name), run.Name));
        Assert.Equal(8, joinersCheckpoint.RestoreNetwork(network));
        Assert.Equal(history[^1].WeightsHash, DataParallelWorker.WeightsHash(network.parameters())); // it started from the weights the others had
    }

    [Theory]
    [InlineData("../../etc", 0, 0, "run")]
    [InlineData("/etc/passwd", 0, 0, "run")]
    [InlineData("run-bad", double.NaN, 0, "linkBitsPerSecond")]
    [InlineData("run-bad", 1e9, -1, "linkLatency")]
    [InlineData("run-bad", double.PositiveInfinity, 0, "linkBitsPerSecond")]
    public async Task A_run_whose_name_could_be_a_path_or_whose_link_is_no_link_is_refused_by_the_cluster_and_its_workers_and_nothing_is_written(
        string name, double bitsPerSecond, int latencySeconds, string field)
    {
        var spec = ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10);
        var silo = _cluster.Silos[0].SiloAddress.ToParsableString();
        var run = new DataParallelRun(name, spec, "mnist", new TrainingOptions { Epochs = 1 }, GradientCompression.Dense, 1)
        {
            LinkBitsPerSecond = bitsPerSecond, LinkLatency = TimeSpan.FromSeconds(latencySeconds),
        };

        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(() => new ClusterTraining(_cluster.Client, NullLogger.Instance).TrainAsync(run, _ => Task.CompletedTask, CancellationToken.None));
        Assert.StartsWith(field + ":", refused.Message);
        if (double.IsFinite(bitsPerSecond)) // a worker asked directly refuses it too (NaN and infinities are not even sent: JSON has no words for them)
        {
            var assignment = new TrainingAssignment(run, 0, 1, SiloBoundPlacement.KeyFor(silo, "bad#0"));
            var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => _cluster.Client.GetGrain<ITrainingWorkerGrain>(ITrainingWorkerGrain.KeyFor(silo, "bad", 0)).TrainAsync(assignment));
            Assert.Contains(field + ":", error.Message);
        }
        Assert.False(Directory.Exists(Path.Combine(FolderOf(_cluster.Silos[0].Name).Root, "training")));
    }
}
