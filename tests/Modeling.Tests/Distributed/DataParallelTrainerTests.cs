using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Distributed;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Distributed;

public sealed class DataParallelTrainerTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Compressed_training_sends_a_fraction_of_the_bytes_still_learns_and_keeps_the_replicas_identical()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        var options = new TrainingOptions
        {
            Epochs = 2, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, WeightDecay = 5e-4, BatchSize = 64, Augment = false, TrainLimit = 3_000,
        };
        (IReadOnlyList<DataParallelEpoch> History, List<SpecNetwork> Replicas) Run(GradientCompression compression)
        {
            var replicas = Enumerable.Range(0, 2).Select(_ =>
            {
                manual_seed(7);
                return new SpecNetwork(ModelZoo.Create("lenet5", mnist.Info.Shape, 10));
            }).ToList();
            return (new DataParallelTrainer(compression).Train(replicas, mnist, options), replicas);
        }

        var (dense, denseReplicas) = Run(GradientCompression.Dense);
        var (compressed, replicas) = Run(new GradientCompression { Density = 0.01, WarmupEpochs = 1 });

        Assert.All(dense, e => Assert.Equal(1, e.CompressionRatio, 2));
        Assert.True(compressed[^1].CompressionRatio > 20, $"ratio {compressed[^1].CompressionRatio:F1} in the second epoch");
        Assert.True(dense[^1].ValidationAccuracy > 0.85, $"dense {dense[^1].ValidationAccuracy:P1}");
        // 1 % of each weight per step over 94 steps: slower than dense at first (what it costs over a whole training is the benchmark's question)
        Assert.True(compressed[^1].ValidationAccuracy > 0.8, $"compressed {compressed[^1].ValidationAccuracy:P1} against dense {dense[^1].ValidationAccuracy:P1}");
        var first = replicas[0].state_dict().Values.Select(t => t.data<float>().ToArray()).ToList();
        var second = replicas[1].state_dict().Values.Select(t => t.data<float>().ToArray()).ToList();
        Assert.Equal(first, second);
        Assert.Equal(DataParallelWorker.WeightsHash(replicas[0].parameters()), compressed[^1].WeightsHash);
        Assert.NotEqual(dense[^1].WeightsHash, compressed[^1].WeightsHash);
        foreach (var r in denseReplicas.Concat(replicas)) r.Dispose();
    }

    [Fact]
    public void A_worker_whose_weights_drift_from_the_others_stops_the_run()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        var options = new TrainingOptions { Epochs = 1, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, BatchSize = 64, Augment = false, TrainLimit = 640 };
        var exchange = new InProcessExchange(2);
        // The second worker was configured with another weight decay: after one step its weights are not the first's.
        var settings = new[] { options, options with { WeightDecay = 0.01 } };
        using var stop = new CancellationTokenSource();
        var runs = Enumerable.Range(0, 2).Select(rank => Task.Factory.StartNew(() =>
        {
            using var network = new SpecNetwork(ModelZoo.Create("lenet5", mnist.Info.Shape, 10));
            try { new DataParallelWorker(GradientCompression.Dense, exchange, rank, 2).Train(network, mnist, settings[rank], cancellation: stop.Token); }
            finally { stop.Cancel(); }
        }, TaskCreationOptions.LongRunning)).ToArray();

        var error = Assert.Throws<AggregateException>(() => Task.WaitAll(runs));
        Assert.Contains(error.InnerExceptions, e => e is ReplicaDivergedException && e.Message.Contains("before round 2"));
    }
}
