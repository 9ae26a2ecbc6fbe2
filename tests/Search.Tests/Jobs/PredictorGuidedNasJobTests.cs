using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Architecture.Predictor;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Recovery;

namespace AutoDesign.Search.Tests.Jobs;

public sealed class PredictorGuidedNasJobTests : IDisposable
{
    private readonly TestDataFolder _data = new();
    private readonly AccuracySampleFile _samples;
    private readonly double _middle;

    public PredictorGuidedNasJobTests()
    {
        TinySupernet.Save(_data.Folder);
        _samples = TinySupernet.Sample(_data.Folder, 24);
        var space = new SubnetSpace(TinySupernet.Layout());
        _middle = (TinySupernet.Macs(space.Layout, space.Smallest) + TinySupernet.Macs(space.Layout, space.Largest)) / 2;
    }

    public void Dispose() => _data.Dispose();

    private NasSpec Spec(string model = "mlp", int confirm = 3) => new()
    {
        Supernet = TinySupernet.Name,
        Agent = "evolution",
        Constraint = new ConstraintSpec { Metric = "flops", Max = _middle },
        Budget = new ArchitectureBudget { Evaluations = 30 },
        Seed = 2,
        Evolution = new() { Population = 6 },
        Predictor = new PredictorSpec { Model = model, Confirm = confirm },
        Recovery = new RecoverySpec { Epochs = 0 }, // the search is under test here, not recovery
    };

    [Theory]
    [InlineData("mlp")]
    [InlineData("fasttree")]
    public void Only_the_best_predicted_sub_networks_are_evaluated_for_real_and_the_best_of_those_is_saved(string model)
    {
        string best = Path.Combine(_data.Root, "best");

        var result = TestJobs.Run(Spec(model), _data.Folder, best);

        Assert.Equal(30, result.Predicted);
        Assert.Equal(3, result.Evaluations);
        Assert.Equal(3, result.Candidates.Count);
        var layout = TinySupernet.Layout();
        var predictor = AccuracyPredictors.Fit(model, layout, _samples.Samples, seed: 2);
        var saved = SavedSupernet.Load(Path.Combine(_data.Root, "supernets", TinySupernet.Name));
        var data = DatasetCatalog.Load("mnist", _data.Folder);
        using var network = saved.CreateNetwork(Path.Combine(_data.Root, "supernets", TinySupernet.Name));
        using var evaluator = new SubnetEvaluator(data, SupernetFolders.ValidationImages, SupernetFolders.RecalibrationImages);
        try
        {
            foreach (var candidate in result.Candidates)
            {
                var choice = SupernetPolicy.Decode(new SubnetSpace(layout), candidate.Policy);
                Assert.True(candidate.Metrics!["flops"] <= _middle);
                Assert.Equal(predictor.Predict(choice), candidate.Metrics[NasKind.PredictedAccuracy], 6);
                Assert.Equal(evaluator.Evaluate(network, choice).Accuracy, candidate.Accuracy, 9); // measured, not predicted
            }
        }
        finally
        {
            (predictor as IDisposable)?.Dispose();
        }
        var predictions = result.Candidates.Select(c => c.Metrics![NasKind.PredictedAccuracy]).ToList();
        Assert.Equal(predictions.OrderDescending(), predictions);
        Assert.Equal(result.Candidates.Max(c => c.Accuracy), result.Best.Accuracy);
        Assert.Equal(best, result.Best.SavedModel);
    }

    [Fact]
    public void A_predictor_guided_search_stopped_part_way_resumes_to_the_candidates_an_unbroken_run_finds()
    {
        var spec = Spec(confirm: 4);
        var unbroken = TestJobs.Run(spec, _data.Folder, "");
        var journal = new MemoryJournal { StopAfter = 2 };
        Assert.Throws<OperationCanceledException>(() => TestJobs.Run(spec, _data.Folder, "", journal: journal));
        journal.StopAfter = null;

        var resumed = TestJobs.Run(spec, _data.Folder, "", journal: journal);

        Assert.Equal(4, journal.Candidates.Count);
        Assert.Equal(Describe(unbroken.Candidates), Describe(resumed.Candidates));
    }

    public static TheoryData<string, string> BadSpecs => new()
    {
        { "no-samples", "predictor" },
        { "model", "predictor.model" },
        { "confirm", "predictor.confirm" },
        { "table", "predictor" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void A_bad_predictor_spec_names_the_field(string problem, string field)
    {
        var spec = Spec();
        if (problem == "no-samples") File.Delete(Path.Combine(_data.Root, "supernets", TinySupernet.Name, AccuracySampleFile.JsonName));
        spec = problem switch
        {
            "model" => spec with { Predictor = new PredictorSpec { Model = "oracle" } },
            "confirm" => spec with { Predictor = new PredictorSpec { Confirm = 31 } },
            "table" => spec with { Supernet = null, Space = new SpaceSpec { Type = "table", Path = "rows.csv", Decisions = ["a"], Objective = "acc" } },
            _ => spec,
        };

        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(spec, _data.Folder));

        var named = Assert.Single(error.Errors, e => e.Field == field);
        if (problem == "no-samples") Assert.Contains("autodesign supernet sample --supernet tiny", named.Reason);
    }

    private static List<string> Describe(IEnumerable<CandidateResult> candidates) =>
        candidates.Select(c => $"{c.Index} {c.Accuracy:R} {c.Metrics![NasKind.PredictedAccuracy]:R} " + string.Join(",", c.Policy.Select(p => p.Choice))).ToList();
}
