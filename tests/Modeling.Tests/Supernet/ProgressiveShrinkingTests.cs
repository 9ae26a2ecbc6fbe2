using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
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

        Assert.Equal(ShrinkingPhases.InOrder, history.Select(h => h.Phase));
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
        Assert.Equal(ShrinkingPhases.InOrder, history.Select(h => h.Phase));
        foreach (var (name, weight) in straight.state_dict())
            Assert.True(weight.allclose(resumed.state_dict()[name], rtol: 1e-3, atol: 1e-4), $"{name} differs after resuming");
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
