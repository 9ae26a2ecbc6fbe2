using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly TestDataFolder _data = new();
    private static readonly TrainingOptions Quick = new()
    {
        Epochs = 2, TrainLimit = 3_000, BatchSize = 100, Optimizer = OptimizerKind.Adam, LearningRate = 1e-2, WeightDecay = 0, Augment = true,
    };

    public void Dispose() => _data.Dispose();

    /// <summary>Where every lenet5 of these tests starts, so that two trainings compared start alike.</summary>
    private static readonly Lazy<SpecNetwork> Start = new(() => new SpecNetwork(ModelZoo.Create("lenet5", new Modeling.Specs.InputSpec(1, 28, 28), 10)));

    private static SpecNetwork Lenet(Dataset mnist) => SameStart.CopyOf(Start.Value, new SpecNetwork(ModelZoo.Create("lenet5", mnist.Info.Shape, 10)));

    [Fact]
    public void Lenet_learns_mnist_from_a_few_thousand_images()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        using var network = Lenet(mnist);
        double before = Evaluation.Of(network, mnist.Validation, mnist.Mean, mnist.Std).Accuracy;

        var history = new Trainer(NullLogger.Instance).Train(network, mnist, Quick with { Augment = false });

        Assert.Equal(2, history.Count);
        Assert.True(history[1].TrainLoss < history[0].TrainLoss);
        Assert.InRange(before, 0, 0.3);
        Assert.True(history[1].ValidationAccuracy > 0.88, $"validation accuracy {history[1].ValidationAccuracy:P1}");
        Assert.Equal(history[1].ValidationAccuracy, Evaluation.Of(network, mnist.Validation, mnist.Mean, mnist.Std).Accuracy, 6);
    }

    [Fact]
    public void An_interrupted_training_resumes_after_its_last_epoch_and_ends_where_an_uninterrupted_one_does()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        string checkpoint = Path.Combine(_data.Root, "checkpoint");
        var trainer = new Trainer(NullLogger.Instance);

        using var cancel = new CancellationTokenSource();
        using (var interrupted = Lenet(mnist))
            Assert.Throws<OperationCanceledException>(() =>
                trainer.Train(interrupted, mnist, Quick, checkpoint, onEpoch: _ => cancel.Cancel(), cancellation: cancel.Token));

        var epochsRun = new List<int>();
        using var resumed = Lenet(mnist);
        var history = trainer.Train(resumed, mnist, Quick, checkpoint, onEpoch: e => epochsRun.Add(e.Epoch));

        using var straight = Lenet(mnist);
        var reference = trainer.Train(straight, mnist, Quick);

        Assert.Equal([2], epochsRun);
        Assert.Equal([1, 2], history.Select(h => h.Epoch));
        Assert.Equal(reference[0].ValidationAccuracy, history[0].ValidationAccuracy, 3);
        foreach (var (name, weight) in straight.state_dict())
            Assert.True(weight.allclose(resumed.state_dict()[name], rtol: 1e-3, atol: 1e-4), $"{name} differs after resuming");
    }

    [Fact]
    public void Bad_options_are_refused_before_training()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        using var network = Lenet(mnist);
        var error = Assert.Throws<ArgumentException>(() =>
            new Trainer(NullLogger.Instance).Train(network, mnist, Quick with { LearningRate = -1 }));
        Assert.Contains("learning rate must be positive", error.Message);
    }

    [Fact]
    public void Augmentation_shifts_within_the_padding_and_mirrors_only_when_allowed()
    {
        using var scope = NewDisposeScope();
        var image = zeros(1, 1, 5, 5);
        image[0, 0, 2, 2] = tensor(1f);
        var seen = new HashSet<(long, long)>();
        var augmentation = new Augmentation(padding: 1, flip: false, new SplitMix64(3));
        for (int i = 0; i < 100; i++)
        {
            var shifted = augmentation.Apply(image);
            Assert.Equal(1f, shifted.sum().item<float>());
            long at = shifted.flatten().argmax().item<long>();
            seen.Add((at / 5, at % 5));
        }
        Assert.Equal(9, seen.Count); // every shift of -1..1 in each direction
        Assert.All(seen, p => Assert.InRange(p.Item1, 1, 3));
    }
}
