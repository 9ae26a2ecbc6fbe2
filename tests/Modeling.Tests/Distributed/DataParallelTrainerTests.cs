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
        foreach (var r in denseReplicas.Concat(replicas)) r.Dispose();
    }
}
