using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Kinds.Prune;
using AutoDesign.Search.Kinds.Quantize;
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Recovery;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Tests.Jobs;

public sealed class RecoveryTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    // A fifth of lenet5's MACs without the least-squares refit: the pruned network has much to recover.
    private static PruneSpec Pruning(RecoverySpec? recovery) => new()
    {
        Model = "lenet5",
        Dataset = "mnist",
        Agent = "random",
        Constraint = new ConstraintSpec { Metric = "flops", Ratio = 0.2 },
        Budget = new EpisodeBudget { Episodes = 4 },
        Seed = 5,
        Training = new BaseTraining { Epochs = 1, TrainLimit = 4_000 },
        Pruning = new PruningSettings { ValidationImages = 500, Refit = false },
        Recovery = recovery,
    };

    [Fact]
    public void A_pruned_design_is_recovered_and_the_recovered_network_is_what_is_saved()
    {
        var result = TestJobs.Run(Pruning(new RecoverySpec { Epochs = 2, LearningRate = 2e-3, Front = 1 }), _data.Folder, Path.Combine(_data.Root, "best"));

        var recovered = Assert.IsType<RecoveryResult>(result.Best.Recovered);
        Assert.Equal((2, 2e-3, 1.0), (recovered.Epochs, recovered.LearningRate, recovered.Distillation));
        Assert.Equal(result.Best.TestAccuracy, recovered.TestAccuracyBefore);
        Assert.True(recovered.TestAccuracy > recovered.TestAccuracyBefore + 0.02, $"{recovered.TestAccuracyBefore:P2} -> {recovered.TestAccuracy:P2}");
        var saved = SavedModel.Load(result.Best.SavedModel);
        Assert.Equal(recovered.TestAccuracy, saved.Card.TestAccuracy);
        Assert.Equal(2, saved.Card.History.Count);
        using var network = saved.CreateNetwork();
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        Assert.Equal(recovered.TestAccuracy, Evaluation.Of(network, mnist.Test, saved.Card.Mean, saved.Card.Std).Accuracy, 6);
        Assert.Equal(result.Best.Flops, saved.Spec.Analyze().Macs);
        Assert.True(result.Pareto.Count > 1, "the seeded search's front has more than its best"); // the most accurate other point, recovered alike
        var point = Assert.Single(recovered.Front!);
        Assert.Equal(result.Pareto.Where(p => p.Index != result.Best.Index).MaxBy(p => p.Accuracy)!.Index, point.Index);
        Assert.True(point.TestAccuracy > point.TestAccuracyBefore, $"{point.TestAccuracyBefore:P2} -> {point.TestAccuracy:P2}");
    }

    [Fact]
    public void Recovery_stopped_after_an_epoch_resumes_from_its_checkpoint_and_ends_where_an_uninterrupted_run_ends()
    {
        var spec = Pruning(new RecoverySpec { Epochs = 2, LearningRate = 2e-3 });
        var uninterrupted = TestJobs.Run(spec, _data.Folder, Path.Combine(_data.Root, "whole"));

        string recovery = Path.Combine(_data.Root, "recovery");
        using var stop = new CancellationTokenSource();
        var stopping = new MessageLog(m => { if (m.StartsWith("Epoch 1/2", StringComparison.Ordinal)) stop.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => LocalJobs.Run(spec, new JobContext(_data.Folder, stopping)
        {
            BestModelDirectory = Path.Combine(_data.Root, "best"), RecoveryDirectory = recovery, Cancellation = stop.Token,
        }));
        Assert.True(File.Exists(Path.Combine(recovery, $"candidate-{uninterrupted.Best.Index}", "weights.dat")));

        var log = new MessageLog(_ => { });
        var resumed = LocalJobs.Run(spec, new JobContext(_data.Folder, log) { BestModelDirectory = Path.Combine(_data.Root, "best"), RecoveryDirectory = recovery });

        Assert.Contains(log.Messages, m => m.StartsWith("Resuming training after epoch 1", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Messages, m => m.StartsWith("Epoch 1/2", StringComparison.Ordinal));
        Assert.Equal(uninterrupted.Best.Recovered!.TestAccuracy, resumed.Best.Recovered!.TestAccuracy);
    }

    [Fact]
    public void A_checkpoint_of_another_recovery_under_the_same_candidate_is_discarded_not_resumed()
    {
        var first = Pruning(new RecoverySpec { Epochs = 2, LearningRate = 2e-3 });
        string recovery = Path.Combine(_data.Root, "recovery");
        using var stop = new CancellationTokenSource();
        var stopping = new MessageLog(m => { if (m.StartsWith("Epoch 1/2", StringComparison.Ordinal)) stop.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => LocalJobs.Run(first, new JobContext(_data.Folder, stopping)
        {
            RecoveryDirectory = recovery, Cancellation = stop.Token,
        }));

        var log = new MessageLog(_ => { });
        var other = LocalJobs.Run(first with { Recovery = new RecoverySpec { Epochs = 2, LearningRate = 1e-3 } }, new JobContext(_data.Folder, log) { RecoveryDirectory = recovery });

        Assert.DoesNotContain(log.Messages, m => m.StartsWith("Resuming training", StringComparison.Ordinal));
        Assert.Contains(log.Messages, m => m.StartsWith("Epoch 1/2", StringComparison.Ordinal));
        Assert.Equal(1e-3, other.Best.Recovered!.LearningRate);
    }

    [Fact]
    public void A_quantized_design_recovers_with_quantization_in_the_loop_and_is_saved_at_its_bits()
    {
        var spec = new QuantizeSpec
        {
            Model = "lenet5",
            Dataset = "mnist",
            Agent = "random",
            Constraint = new ConstraintSpec { Metric = "latency", Target = "bitfusion", Ratio = 0.4 },
            Budget = new EpisodeBudget { Episodes = 3 },
            Seed = 2,
            Training = new BaseTraining { Epochs = 1, TrainLimit = 4_000 },
            Quantization = new QuantizationSettings { FineTuneImages = 0, ValidationImages = 300, CalibrationImages = 64 },
            Recovery = new RecoverySpec { Epochs = 1, LearningRate = 1e-3 },
        };

        var result = TestJobs.Run(spec, _data.Folder, Path.Combine(_data.Root, "best"));

        var recovered = Assert.IsType<RecoveryResult>(result.Best.Recovered);
        var saved = SavedModel.Load(result.Best.SavedModel);
        Assert.Equal(result.Best.Policy.Select(p => (p.WBits, p.ABits)), result.Best.Policy.Select(p => ((int?)saved.Card.Precision!.For(p.Layer).WeightBits, (int?)saved.Card.Precision.For(p.Layer).ActivationBits)));
        Assert.Single(saved.Card.History); // it trained
        Assert.NotEqual(recovered.TestAccuracyBefore, recovered.TestAccuracy);
        using var network = saved.CreateNetwork();
        Assert.NotNull(network.Quantization); // it loads quantized, as it was trained and tested
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        Assert.Equal(recovered.TestAccuracy, Evaluation.Of(network, mnist.Test, saved.Card.Mean, saved.Card.Std).Accuracy, 6);
        Assert.Equal(recovered.TestAccuracy, saved.Card.TestAccuracy);
    }

    [Theory]
    [InlineData("""{"epochs":-1}""", "recovery.epochs")]
    [InlineData("""{"learningRate":0}""", "recovery.learningRate")]
    [InlineData("""{"distillation":-0.5}""", "recovery.distillation")]
    [InlineData("""{"front":21}""", "recovery.front")]
    [InlineData("""{"epochs":0,"front":2}""", "recovery.front")]
    [InlineData("""{"images":5}""", "recovery.images")]
    public void A_bad_recovery_setting_is_refused_naming_its_field(string recovery, string field)
    {
        var spec = TestJobs.Parse($$"""{"kind":"prune","model":"lenet5","dataset":"mnist","agent":"random","budget":{"episodes":2},"recovery":{{recovery}}}""");

        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(spec, _data.Folder));

        Assert.Contains(error.Errors, e => e.Field == field);
    }

    [Fact]
    public void Recovery_is_on_by_default_and_refused_by_kinds_that_do_not_recover_yet()
    {
        var plan = (PrunePlan)TestJobs.Plan(TestJobs.Parse("""{"kind":"prune","model":"lenet5","dataset":"mnist","agent":"random","budget":{"episodes":2}}"""), _data.Folder);
        var recovery = Assert.IsType<RecoveryPlan>(plan.Recovery);
        Assert.Equal((RecoveryPlan.DefaultEpochs, RecoveryPlan.DefaultDistillation, 0), (recovery.Epochs, recovery.Distillation, recovery.Front));
        Assert.Equal(2e-3 / 10, recovery.LearningRate, 12); // a tenth of lenet5's recipe

        var heads = TestJobs.Parse("""{"kind":"heads","model":"gpt","dataset":"sotu","agent":"random","budget":{"episodes":2},"recovery":{"epochs":1}}""");
        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(heads, _data.Folder));
        Assert.Contains(error.Errors, e => e.Field == "recovery");
    }

    [Fact]
    public void Recovery_on_fewer_images_draws_each_epoch_from_that_many_and_language_models_refuse_it()
    {
        var plan = (PrunePlan)TestJobs.Plan(TestJobs.Parse("""{"kind":"prune","model":"lenet5","dataset":"mnist","agent":"random","budget":{"episodes":2},"recovery":{"images":1000}}"""), _data.Folder);

        Assert.Equal(1000, plan.Recovery!.Training(plan.BaseTraining, 1).TrainLimit);
        var whole = (PrunePlan)TestJobs.Plan(TestJobs.Parse("""{"kind":"prune","model":"lenet5","dataset":"mnist","agent":"random","budget":{"episodes":2}}"""), _data.Folder);
        Assert.Equal(whole.BaseTraining.TrainLimit, whole.Recovery!.Training(whole.BaseTraining, 1).TrainLimit);
        var text = TestJobs.Parse("""{"kind":"prune","model":"gpt","dataset":"sotu","agent":"random","budget":{"episodes":2},"recovery":{"images":1000}}""");
        Assert.Contains(Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(text, _data.Folder)).Errors, e => e.Field == "recovery.images");
    }

    [Fact]
    public void A_prune_plan_stored_before_recovery_fine_tunes_as_its_fine_tune_epochs_asked_and_otherwise_not_at_all()
    {
        var plan = (PrunePlan)TestJobs.Plan(TestJobs.Parse("""{"kind":"prune","model":"lenet5","dataset":"mnist","agent":"random","budget":{"episodes":2}}"""), _data.Folder);
        var json = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize<JobPlan>(plan, AutoDesignJson.Options))!.AsObject();
        Assert.True(json.Remove("recovery")); // as plans were stored before recovery existed

        var stored = Assert.IsType<PrunePlan>(System.Text.Json.JsonSerializer.Deserialize<JobPlan>(json.ToJsonString(), AutoDesignJson.Options));
        Assert.Null(stored.RecoveryOrFineTuning());
        json["pruning"]!["fineTuneEpochs"] = 3;
        var fineTuning = Assert.IsType<PrunePlan>(System.Text.Json.JsonSerializer.Deserialize<JobPlan>(json.ToJsonString(), AutoDesignJson.Options)).RecoveryOrFineTuning();
        Assert.Equal((3, 0.0, 0), (fineTuning!.Epochs, fineTuning.Distillation, fineTuning.Front));
        Assert.Equal(plan.BaseTraining.LearningRate / 10, fineTuning.LearningRate, 12);
    }

    /// <summary>Hands every message to <paramref name="seen"/> and keeps it.</summary>
    private sealed class MessageLog(Action<string> seen) : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string message = formatter(state, exception);
            lock (Messages) Messages.Add(message);
            seen(message);
        }
    }
}
