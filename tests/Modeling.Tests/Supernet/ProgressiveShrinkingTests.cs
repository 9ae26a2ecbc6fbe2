using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Supernet;

public sealed class ProgressiveShrinkingTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    private static readonly PhaseOptions OneEpoch = new() { Epochs = 1, LearningRate = 0.05 };

    private static readonly ShrinkingOptions Quick = new()
    {
        Full = OneEpoch with { LearningRate = 0.1 },
        ElasticKernel = OneEpoch with { Distillation = 1 },
        ElasticDepth = OneEpoch,
        ElasticExpansion = OneEpoch with { SubnetsPerStep = 2 },
        BatchSize = 64, TrainLimit = 384, ValidationLimit = 200, RecalibrationImages = 128,
    };

    public void Dispose() => _data.Dispose();

    /// <summary>Where every super-network of these tests starts, so that two trainings compared start alike.</summary>
    private static readonly Lazy<SuperNetwork> Start = new(() => new SuperNetwork(SupernetFixtures.Tiny));

    private static SuperNetwork Fresh() => SameStart.CopyOf(Start.Value, new SuperNetwork(SupernetFixtures.Tiny));

    [Fact]
    public void Every_phase_runs_in_order_and_reports_both_ends_of_its_range()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        using var network = Fresh();
        var history = new ProgressiveShrinking(NullLogger.Instance).Train(network, mnist, Quick);

        Assert.Equal(ShrinkingPhases.InOrder.Where(p => Quick[p].Epochs > 0), history.Select(h => h.Phase));
        Assert.All(history, h => Assert.InRange(h.LargestAccuracy, 0.0, 1.0));
        Assert.All(history, h => Assert.True(double.IsFinite(h.TrainLoss) && h.TrainLoss > 0));
        Assert.Equal(network.Space.Largest, network.Active);
    }

    [Fact]
    public void A_killed_training_continues_after_its_last_epoch_and_ends_where_an_uninterrupted_one_does()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        string checkpoint = Path.Combine(_data.Root, "shrinking");
        var trainer = new ProgressiveShrinking(NullLogger.Instance);

        using var cancel = new CancellationTokenSource();
        using (var interrupted = Fresh())
            Assert.Throws<OperationCanceledException>(() => trainer.Train(interrupted, mnist, Quick, checkpoint,
                onEpoch: e => { if (e.Phase == ShrinkingPhase.ElasticKernel) cancel.Cancel(); }, cancellation: cancel.Token));
        Assert.True(File.Exists(Path.Combine(checkpoint, ProgressiveShrinking.TeacherFile)));

        var phasesRun = new List<ShrinkingPhase>();
        using var resumed = Fresh();
        var history = trainer.Train(resumed, mnist, Quick, checkpoint, onEpoch: e => phasesRun.Add(e.Phase));
        using var straight = Fresh();
        trainer.Train(straight, mnist, Quick);

        Assert.Equal([ShrinkingPhase.ElasticDepth, ShrinkingPhase.ElasticExpansion], phasesRun);
        Assert.Equal(ShrinkingPhases.InOrder.Where(p => Quick[p].Epochs > 0), history.Select(h => h.Phase));
        foreach (var (name, weight) in straight.state_dict())
            Assert.True(weight.allclose(resumed.state_dict()[name], rtol: 1e-3, atol: 1e-4), $"{name} differs after resuming");
    }

    /// <summary>Once-for-All's recipe at one epoch a phase, on the quick run's images.</summary>
    private static readonly ShrinkingOptions Ofa = ShrinkingOptions.OnceForAll(fullEpochs: 1, epochsPerPhase: 1, distillation: 1) with
    {
        BatchSize = 64, TrainLimit = 384, ValidationLimit = 200, RecalibrationImages = 128,
    };

    [Fact]
    public void Once_for_alls_recipe_opens_depth_and_expansion_in_two_steps_and_resumes_between_them_to_where_an_unbroken_run_ends()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        string checkpoint = Path.Combine(_data.Root, "ofa");
        var trainer = new ProgressiveShrinking(NullLogger.Instance);

        using var cancel = new CancellationTokenSource();
        using (var interrupted = Fresh())
            Assert.Throws<OperationCanceledException>(() => trainer.Train(interrupted, mnist, Ofa, checkpoint,
                onEpoch: e => { if (e.Phase == ShrinkingPhase.ElasticExpansionNarrow) cancel.Cancel(); }, cancellation: cancel.Token));
        var phasesRun = new List<ShrinkingPhase>();
        using var resumed = Fresh();
        var history = trainer.Train(resumed, mnist, Ofa, checkpoint, onEpoch: e => phasesRun.Add(e.Phase));
        using var straight = Fresh();
        trainer.Train(straight, mnist, Ofa);

        Assert.Equal([ShrinkingPhase.ElasticExpansion], phasesRun);
        Assert.Equal(
            [ShrinkingPhase.Full, ShrinkingPhase.ElasticKernel, ShrinkingPhase.ElasticDepthNarrow, ShrinkingPhase.ElasticDepth, ShrinkingPhase.ElasticExpansionNarrow, ShrinkingPhase.ElasticExpansion],
            history.Select(h => h.Phase));
        Assert.All(history, h => Assert.True(double.IsFinite(h.TrainLoss) && h.TrainLoss > 0));
        foreach (var (name, weight) in straight.state_dict())
            Assert.True(weight.allclose(resumed.state_dict()[name], rtol: 1e-3, atol: 1e-4), $"{name} differs after resuming");
    }

    [Fact]
    public void A_narrow_phase_samples_only_the_two_largest_values_of_the_dimension_it_opens()
    {
        var layout = SupernetFixtures.Small;

        Assert.Equal([3, 4], ShrinkingPhase.ElasticDepthNarrow.Range(layout).Depths);
        Assert.Equal([6], ShrinkingPhase.ElasticDepthNarrow.Range(layout).Expansions);
        Assert.Equal([4, 6], ShrinkingPhase.ElasticExpansionNarrow.Range(layout).Expansions);
        Assert.Equal(layout.Depths, ShrinkingPhase.ElasticExpansionNarrow.Range(layout).Depths);
    }

    [Fact]
    public void Without_decay_on_norms_and_biases_only_weights_of_two_or_more_dimensions_shrink_when_nothing_else_moves_them()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        // A learning rate of almost nothing but a huge decay: what decays moves, the rest barely does.
        var decayOnly = Quick with
        {
            Full = OneEpoch with { LearningRate = 1e-3 }, ElasticKernel = OneEpoch with { Epochs = 0 }, ElasticDepth = OneEpoch with { Epochs = 0 },
            ElasticExpansion = OneEpoch with { Epochs = 0 }, WeightDecay = 50, DecayNormsAndBiases = false,
        };
        using var network = Fresh();
        var before = network.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

        new ProgressiveShrinking(NullLogger.Instance).Train(network, mnist, decayOnly);

        var parameters = network.named_parameters().ToList();
        double Shrink(string name) => network.state_dict()[name].norm().item<float>() / Math.Max(1e-12, before[name].norm().item<float>());
        // The kernel transforms take no gradient while only the largest kernel runs: nothing moves them, decay included.
        Assert.All(parameters.Where(p => p.parameter.dim() > 1 && !p.name.Contains("transform_", StringComparison.Ordinal)), p => Assert.True(Shrink(p.name) < 0.9, $"{p.name} kept {Shrink(p.name):P0}"));
        Assert.All(parameters.Where(p => p.parameter.dim() == 1 && p.name.EndsWith("weight", StringComparison.Ordinal)),
            p => Assert.True(Shrink(p.name) > 0.9, $"{p.name} decayed to {Shrink(p.name):P0}"));
    }

    [Fact]
    public void A_trained_model_teaches_the_elastic_phases_too_when_it_reads_the_images_as_the_super_network_does()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        var spec = ModelZoo.Create("lenet5", mnist.Info.Shape, mnist.Info.Classes);
        using var model = new SpecNetwork(spec);
        var card = new ModelCard { Model = "lenet5", Dataset = "mnist", SpecHash = spec.ContentHash(), Macs = 1, Params = 1, Mean = mnist.Mean, Std = mnist.Std };
        string teacher = SavedModel.Save(Path.Combine(_data.Root, "teacher"), model, card).Directory;
        var options = Quick with { TeacherModel = teacher, ModelDistillation = 1 };
        var trainer = new ProgressiveShrinking(NullLogger.Instance);

        using var taught = Fresh();
        var history = trainer.Train(taught, mnist, options);
        using var untaught = Fresh();
        trainer.Train(untaught, mnist, Quick);

        Assert.All(history, h => Assert.True(double.IsFinite(h.TrainLoss)));
        Assert.Contains(taught.state_dict(), p => !p.Value.allclose(untaught.state_dict()[p.Key])); // the teacher changed what was learned
        string elsewhere = SavedModel.Save(Path.Combine(_data.Root, "other"), model, card with { Mean = [0.5f] }).Directory;
        using var refused = Fresh();
        Assert.Throws<ArgumentException>(() => trainer.Train(refused, mnist, options with { TeacherModel = elsewhere }));
    }

    [Fact]
    public void A_checkpoint_is_not_continued_with_other_settings_for_a_phase_it_ran()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        string checkpoint = Path.Combine(_data.Root, "shrinking");
        var trainer = new ProgressiveShrinking(NullLogger.Instance);
        var fullOnly = Quick with { ElasticKernel = OneEpoch with { Epochs = 0 }, ElasticDepth = OneEpoch with { Epochs = 0 }, ElasticExpansion = OneEpoch with { Epochs = 0 } };
        using (var first = Fresh()) trainer.Train(first, mnist, fullOnly, checkpoint);

        using var second = Fresh();
        var error = Assert.Throws<InvalidOperationException>(() =>
            trainer.Train(second, mnist, fullOnly with { Full = fullOnly.Full with { LearningRate = 0.2 } }, checkpoint));
        Assert.Contains("Full phase with other settings", error.Message);

        // Later phases may be chosen afresh: that is how one full phase is shared by runs that differ after it.
        var phasesRun = new List<ShrinkingPhase>();
        trainer.Train(second, mnist, fullOnly with { ElasticKernel = OneEpoch }, checkpoint, onEpoch: e => phasesRun.Add(e.Phase));
        Assert.Equal([ShrinkingPhase.ElasticKernel], phasesRun);
    }
}
