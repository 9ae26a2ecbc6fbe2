using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Distributed;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Train;
using AutoDesign.Search.Tests.Jobs;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoDesign.Search.Tests.Kinds;

/// <summary>A training job: its spec checked field by field, its epochs recorded as they end, its run resumed exactly, its network saved.</summary>
public sealed class TrainJobTests : IDisposable
{
    private const string Valid = """
        {"kind":"train","model":"lenet5","dataset":"mnist","agent":"dgc","workers":2,"training":{"epochs":2,"trainLimit":1000,"batchSize":64},"compression":{"density":0.01,"warmupEpochs":1},"seed":3}
        """;

    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void A_spec_resolves_to_the_recipe_with_SGD_and_DGCs_defaults_where_not_given()
    {
        var plan = Assert.IsType<TrainPlan>(TestJobs.Plan(TestJobs.Parse("""{"kind":"train","model":"lenet5","dataset":"mnist","agent":"dgc"}"""), _data.Folder));

        Assert.Equal(OptimizerKind.Sgd, plan.Options.Optimizer); // lenet5's recipe is Adam; data-parallel training runs SGD
        Assert.Equal(TrainingOptions.RecipeFor("lenet5").Epochs, plan.Options.Epochs);
        Assert.Equal(1, plan.Workers);
        Assert.Equal(new GradientCompression(), plan.Compression); // the paper's 0.1 % after a 4-epoch warm-up
        Assert.Equal(0, plan.LinkBitsPerSecond);
        Assert.Equal(GradientCompression.Dense, Assert.IsType<TrainPlan>(TestJobs.Plan(TestJobs.Parse(Valid.Replace("\"agent\":\"dgc\"", "\"agent\":\"dense\"")
            .Replace(",\"compression\":{\"density\":0.01,\"warmupEpochs\":1}", "")), _data.Folder)).Compression);
    }

    [Fact]
    public void A_plan_reads_back_what_it_writes()
    {
        var plan = TestJobs.Plan(TestJobs.Parse(Valid.Replace("\"seed\":3", "\"link\":{\"bitsPerSecond\":1e8,\"latencyMs\":0.5},\"seed\":3")), _data.Folder);

        string json = System.Text.Json.JsonSerializer.Serialize(plan, AutoDesignJson.Options);

        Assert.StartsWith("{\"kind\":\"train\"", json);
        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonSerializer.Deserialize<JobPlan>(json, AutoDesignJson.Options), AutoDesignJson.Options));
        Assert.DoesNotContain("isDense", json);
    }

    [Theory]
    [InlineData("\"workers\":2", "\"workers\":0", "workers", "between 1 and 64")]
    [InlineData("\"workers\":2", "\"workers\":65", "workers", "between 1 and 64")]
    [InlineData("\"epochs\":2", "\"epochs\":0", "training.epochs", "between 1 and 1000")]
    [InlineData("\"batchSize\":64", "\"batchSize\":1", "training.batchSize", "at least the 2 workers")]
    [InlineData("\"trainLimit\":1000", "\"trainLimit\":-1", "training.trainLimit", "must not be negative")]
    [InlineData("\"seed\":3", "\"training\":{\"learningRate\":-1},\"seed\":3", "spec", "names a field twice")]
    [InlineData("\"batchSize\":64", "\"batchSize\":64,\"learningRate\":0", "training.learningRate", "(0, 10]")]
    [InlineData("\"density\":0.01", "\"density\":1.5", "compression.density", "(0, 1]")]
    [InlineData("\"density\":0.01", "\"density\":1", "compression.density", "below 1 for dgc")]
    [InlineData("\"density\":0.01", "\"density\":0.01,\"momentumCorrection\":false", "compression.momentumFactorMasking", "needs momentumCorrection")]
    [InlineData("\"density\":0.01", "\"density\":0.01,\"level\":3", "compression.level", "")]
    [InlineData("\"agent\":\"dgc\"", "\"agent\":\"dense\"", "compression", "applies to agent dgc")]
    [InlineData("\"agent\":\"dgc\"", "\"agent\":\"ddpg\"", "agent", "'ddpg' is unknown for train")]
    [InlineData("\"seed\":3", "\"link\":{\"bitsPerSecond\":-1},\"seed\":3", "link.bitsPerSecond", "between 1e3 and 1e13")]
    [InlineData("\"seed\":3", "\"link\":{\"latencyMs\":5},\"seed\":3", "link.bitsPerSecond", "got none")]
    [InlineData("\"seed\":3", "\"link\":{\"bitsPerSecond\":1e9,\"latencyMs\":-5},\"seed\":3", "link.latencyMs", "between 0 and 10000")]
    [InlineData("\"seed\":3", "\"link\":{\"bitsPerSecond\":1e3},\"seed\":3", "link.bitsPerSecond", "s a round")] // a stop would wait minutes for a round
    [InlineData("\"model\":\"lenet5\"", "\"model\":\"resnet-50\"", "model", "would not fit one round")]
    [InlineData("\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"dgc\",\"workers\":2", "\"model\":\"mobilenet-v1\",\"dataset\":\"mnist\",\"agent\":\"dgc\",\"workers\":64", "workers", "over the exchange's 67 MB")]
    [InlineData("\"model\":\"lenet5\"", "\"model\":\"lenet7\"", "model", "unknown model 'lenet7'")]
    [InlineData("\"dataset\":\"mnist\"", "\"dataset\":\"imagenet\"", "dataset", "has no images")]
    public void A_bad_field_is_named(string valid, string bad, string field, string reason)
    {
        Assert.Contains(valid, Valid);

        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(TestJobs.Parse(Valid.Replace(valid, bad)), _data.Folder));

        Assert.Contains(error.Errors, e => e.Field == field && e.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void A_job_stopped_after_an_epoch_resumes_from_its_checkpoint_to_the_epochs_and_network_of_an_unbroken_run()
    {
        var spec = TestJobs.Parse(Valid);
        var unbroken = Run(spec, "unbroken", new MemoryJournal(), "unbroken-best");
        var journal = new MemoryJournal { StopAfter = 1 };
        Assert.ThrowsAny<OperationCanceledException>(() => Run(spec, "stopped", journal, "stopped-best"));
        Assert.Single(journal.Candidates);
        journal.StopAfter = null;
        var resumed = Run(spec, "stopped", journal, "stopped-best");

        Assert.Equal([0, 1], journal.Candidates.Select(c => c.Index)); // epoch 1 was not recorded (or trained) again
        Assert.Equal(Describe(unbroken.Candidates), Describe(resumed.Candidates));
        Assert.Equal(unbroken.Best.TestAccuracy, resumed.Best.TestAccuracy);
        // the two workers sent far less than dense, and the saved network is the one that was tested
        Assert.True(resumed.Best.Metrics!["compressionRatio"] > 3, $"ratio {resumed.Best.Metrics["compressionRatio"]:F1}"); // the warm-up epoch at 25 % included
        Assert.True(resumed.Candidates[1].Metrics!["compressionRatio"] > 10, $"ratio at 1 % {resumed.Candidates[1].Metrics!["compressionRatio"]:F1}");
        Assert.Equal(2, resumed.Best.Metrics["workers"]);
        var saved = SavedModel.Load(resumed.Best.SavedModel);
        using var network = saved.CreateNetwork();
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        Assert.Equal(resumed.Best.TestAccuracy, Evaluation.Of(network, mnist.Test, saved.Card.Mean, saved.Card.Std).Accuracy);
        Assert.True(resumed.Best.TestAccuracy > 0.2, $"test accuracy {resumed.Best.TestAccuracy:P1}"); // it learns: 32 steps, mostly at 1 % density; chance is 10 %
        Assert.True(Directory.Exists(DataParallelRun.CheckpointDirectory(_data.Folder, "stopped")), "a job's checkpoints are its runner's to delete, once the job's end is stored");
    }

    [Fact]
    public void Each_epoch_is_reported_as_it_ends_with_the_bytes_sent_and_the_dense_equivalent()
    {
        var reported = new List<SearchProgress>();
        var result = LocalJobs.Run(TestJobs.Parse(Valid.Replace("\"agent\":\"dgc\"", "\"agent\":\"dense\"").Replace(",\"compression\":{\"density\":0.01,\"warmupEpochs\":1}", "")),
            new JobContext(_data.Folder, NullLogger.Instance) { Progress = reported.Add });

        Assert.Equal([1, 2], reported.Select(p => p.Episode));
        Assert.All(result.Candidates, c => Assert.InRange(c.Metrics!["bytesSent"] / c.Metrics["denseBytes"], 1, 1.001)); // dense sends what dense sends, and a hash
        Assert.Equal(result.Candidates.Select(c => c.ConstrainedValue), reported.Select(p => p.LastCost));
        Assert.Equal("", result.Best.SavedModel); // nowhere to save it
        Assert.False(Directory.Exists(Path.Combine(_data.Root, "training")) && Directory.EnumerateDirectories(Path.Combine(_data.Root, "training")).Any(),
            "a run without a name leaves no checkpoints");
    }

    private SearchResult Run(JobSpec spec, string name, MemoryJournal journal, string best) =>
        LocalJobs.Run(spec, new JobContext(_data.Folder, NullLogger.Instance)
        {
            Name = name,
            Journal = journal,
            BestModelDirectory = Path.Combine(_data.Root, best),
        });

    // What an epoch trained and sent, but for the state a resumed run sends again at its start.
    private static IEnumerable<string> Describe(IEnumerable<CandidateResult> epochs) =>
        epochs.Select(e => $"{e.Index}: {e.Accuracy:R} {e.ConstrainedValue:R} {e.Metrics!["trainLoss"]:R} {e.Metrics["bytesSent"] - e.Metrics["openingBytes"]:R}");
}
