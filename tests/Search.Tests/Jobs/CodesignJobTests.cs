using System.Text.Json.Nodes;
using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Codesign;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Recovery;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoDesign.Search.Tests.Jobs;

/// <summary>The tiny super-network with 24 measured sub-networks, shared by the tests of a class (each writes under its own names).</summary>
public sealed class MeasuredTinySupernet : IDisposable
{
    public MeasuredTinySupernet()
    {
        TinySupernet.Save(Data.Folder);
        TinySupernet.Sample(Data.Folder, 24);
    }

    public TestDataFolder Data { get; } = new();

    public void Dispose() => Data.Dispose();
}

public sealed class CodesignJobTests(MeasuredTinySupernet supernet) : IClassFixture<MeasuredTinySupernet>
{
    private readonly TestDataFolder _data = supernet.Data;

    private static CodesignSpec Spec(int confirm = 3) => new()
    {
        Supernet = TinySupernet.Name,
        Agent = "evolution",
        Constraint = new ConstraintSpec { Metric = "latency", Target = "bitfusion", Ratio = 0.4 },
        Budget = new ArchitectureBudget { Evaluations = 40 },
        Quantization = new CodesignQuantization { FineTuneImages = 128, ValidationImages = 200, CalibrationImages = 64 },
        Predictor = new CodesignPredictor { Samples = 12, Confirm = confirm },
        Evolution = new EvolutionSettings { Population = 8 },
        Seed = 2,
        Recovery = new RecoverySpec { Epochs = 0 }, // the search is under test here (the recovery test trains)
    };

    private CodesignSpace CheckingSpace()
    {
        var plan = (CodesignPlan)TestJobs.Plan(Spec(), _data.Folder);
        var metric = CostMetric.Named("latency", "bitfusion", _data.Folder);
        return new CodesignSpace(TinySupernet.Layout(), plan.Quantization.Bits, [metric], "latency", plan.Limit);
    }

    [Fact]
    public void The_best_predicted_designs_are_measured_at_their_bits_within_the_latency_budget_and_the_best_is_saved_quantized()
    {
        string best = Path.Combine(_data.Root, "best-measured");

        var result = TestJobs.Run(Spec(), _data.Folder, best);

        Assert.Equal(40, result.Predicted);
        Assert.Equal(3, result.Candidates.Count);
        Assert.Equal(new Contracts.PredictorReport("mlp", 24, 12, true), result.Predictor);
        var space = CheckingSpace();
        var bitfusion = CostMetric.Named("latency", "bitfusion", _data.Folder);
        var saved = SavedSupernet.Load(Path.Combine(_data.Root, "supernets", TinySupernet.Name));
        using var network = saved.CreateNetwork(Path.Combine(_data.Root, "supernets", TinySupernet.Name));
        using var evaluator = new QuantizedSubnetEvaluator(network, DatasetCatalog.Load("mnist", _data.Folder), Spec().Quantization!, SupernetFolders.RecalibrationImages, seed: 7);
        var mixed = 0;
        foreach (var candidate in result.Candidates)
        {
            var choices = CodesignPolicy.Decode(space, candidate.Policy);
            var (spec, policy) = space.Network(choices);
            Assert.Equal(bitfusion.Of(spec, policy), candidate.ConstrainedValue, 9); // the design costed at its own bits
            Assert.True(candidate.ConstrainedValue <= result.BudgetLimit!.Value);
            var (choice, bits) = space.Design(choices);
            Assert.Equal(evaluator.Accuracy(choice, bits), candidate.Accuracy, 9); // measured at its bits, not predicted
            if (candidate.Policy.Where(p => p.WBits is not null).Select(p => (p.WBits, p.ABits)).Distinct().Count() > 1) mixed++;
        }
        Assert.True(mixed > 0, "no candidate mixes bit-widths");
        Assert.Equal(result.Candidates.Max(c => c.Accuracy), result.Best.Accuracy);
        var model = SavedModel.Load(best);
        Assert.Equal(space.Network(CodesignPolicy.Decode(space, result.Best.Policy)).Policy.Layers.OrderBy(p => p.Key),
            model.Card.Precision!.Layers.OrderBy(p => p.Key));
        Assert.NotNull(model.Card.Quantization);
        Assert.Equal(result.Best.TestAccuracy, model.Card.TestAccuracy!.Value, 9);
        var plan = TestJobs.Plan(Spec(), _data.Folder);
        var exported = JobKinds.Of(plan).NetworkOf(plan, result.Candidates.Single(c => c.Index == result.Best.Index), _data.Folder); // what export and the layers view read
        Assert.Equal(model.Spec.Layers.Select(l => (l.Name, l.Out)), exported.Spec.Layers.Select(l => (l.Name, l.Out)));
        Assert.Equal(model.Card.Precision.Layers.OrderBy(p => p.Key), exported.Precision!.Layers.OrderBy(p => p.Key));
    }

    [Fact]
    public void A_uniform_bit_width_is_a_search_at_that_bit_width_only()
    {
        var spec = Spec() with { Quantization = Spec().Quantization! with { Bits = [4] } };

        var result = TestJobs.Run(spec, _data.Folder);

        Assert.Contains(result.Candidates.SelectMany(c => c.Policy), p => p.WBits is not null);
        Assert.All(result.Candidates.SelectMany(c => c.Policy).Where(p => p.WBits is not null), p => Assert.Equal((4, 4), (p.WBits!.Value, p.ABits!.Value)));
    }

    [Fact]
    public void Nsga2_searches_the_joint_space_within_the_budget()
    {
        var spec = Spec() with { Agent = "nsga2", Evolution = null, Nsga2 = new Nsga2Settings { Population = 8 }, Predictor = new CodesignPredictor { Samples = 6, Confirm = 3 } };

        var result = TestJobs.Run(spec, _data.Folder);

        Assert.Equal(3, result.Candidates.Count);
        Assert.All(result.Candidates, c => Assert.True(c.ConstrainedValue <= result.BudgetLimit!.Value));
        Assert.Equal(40, result.Predicted);
    }

    [Fact]
    public void A_search_stopped_part_way_resumes_to_the_candidates_an_unbroken_run_finds()
    {
        var spec = Spec(confirm: 4) with { Predictor = new CodesignPredictor { Samples = 6, Confirm = 4 } };
        var unbroken = TestJobs.Run(spec, _data.Folder);
        var journal = new MemoryJournal { StopAfter = 2 };
        Assert.Throws<OperationCanceledException>(() => TestJobs.Run(spec, _data.Folder, journal: journal));
        journal.StopAfter = null;

        var resumed = TestJobs.Run(spec, _data.Folder, journal: journal);

        Assert.Equal(4, journal.Candidates.Count);
        Assert.Equal(Describe(unbroken.Candidates), Describe(resumed.Candidates));
    }

    [Fact]
    public void Designs_measured_before_a_stop_are_not_measured_again()
    {
        var space = CheckingSpace();
        string work = Path.Combine(_data.Root, "work-stopped");
        int measured = 0;
        double Measure(SubnetChoice choice, SubnetPrecision bits) => ++measured > 5 ? throw new OperationCanceledException() : 0.5 + 0.01 * measured;
        Assert.Throws<OperationCanceledException>(() => QuantizedSampling.Collect(space, Measure, 8, 3, work, NullLogger.Instance, default));
        measured = 100; // what the first run measured must be read back, not remeasured

        var samples = QuantizedSampling.Collect(space, (_, _) => ++measured, 8, 3, work, NullLogger.Instance, default);

        Assert.Equal(103, measured);
        Assert.Equal([0.51, 0.52, 0.53, 0.54, 0.55, 101, 102, 103], samples.Select(s => Math.Round(s.Accuracy, 6)));
        var plan = QuantizedSampling.Plan(space, 8, 3);
        Assert.Equal(plan.Select(p => string.Join(",", p)), samples.Select(s => string.Join(",", space.Encode(s.Choice, s.Bits))));
        Assert.Equal(8, plan.Select(p => string.Join(",", p)).Distinct().Count());

        File.AppendAllText(Path.Combine(work, QuantizedSampling.FileName), "{\"choice\":{\"dep"); // a line cut short by a crash
        Assert.Equal(samples.Select(s => s.Accuracy), QuantizedSampling.Collect(space, (_, _) => throw new InvalidOperationException("measured again"), 8, 3, work, NullLogger.Instance, default).Select(s => s.Accuracy));
        Assert.Equal(samples.Take(6).Select(s => s.Accuracy), QuantizedSampling.Collect(space, (_, _) => throw new InvalidOperationException("measured again"), 6, 3, work, NullLogger.Instance, default).Select(s => s.Accuracy));
        Assert.Equal(Enumerable.Repeat(7.0, 8), QuantizedSampling.Collect(space, (_, _) => 7, 8, 4, work, NullLogger.Instance, default).Select(s => s.Accuracy)); // another seed's designs
    }

    [Fact]
    public void A_job_fits_its_predictor_on_the_designs_its_work_folder_holds()
    {
        var spec = Spec() with { Predictor = new CodesignPredictor { Samples = 12, Confirm = 3, Transfer = false } };
        var space = CheckingSpace();
        string work = Path.Combine(_data.Root, "work-given");
        QuantizedSampling.Collect(space, (_, _) => 0.4242, 12, spec.Seed, work, NullLogger.Instance, default); // as if measured before a stop

        var result = LocalJobs.Run(spec, new JobContext(_data.Folder, NullLogger.Instance) { WorkDirectory = work });

        // A predictor fitted on those designs alone; the untrained super-network's measured designs score near chance (10 %).
        Assert.All(result.Candidates, c => Assert.InRange(c.Metrics![NasKind.PredictedAccuracy], 0.35, 0.5));
    }

    [Fact]
    public void The_best_design_is_recovered_at_its_bits_before_it_is_saved()
    {
        TinySupernet.Save(_data.Folder, name: "tiny-quick", training: new Modeling.Supernet.ShrinkingOptions { TrainLimit = 2_000 });
        var spec = Spec(confirm: 2) with { Supernet = "tiny-quick", Predictor = new CodesignPredictor { Samples = 6, Confirm = 2, Transfer = false },
            Recovery = new RecoverySpec { Epochs = 2, LearningRate = 0.05 } };

        var result = TestJobs.Run(spec, _data.Folder, Path.Combine(_data.Root, "best-recovered"));

        var recovered = Assert.IsType<RecoveryResult>(result.Best.Recovered);
        Assert.Equal(result.Best.TestAccuracy, recovered.TestAccuracyBefore);
        Assert.True(recovered.TestAccuracy > recovered.TestAccuracyBefore + 0.05, $"{recovered.TestAccuracyBefore:P2} -> {recovered.TestAccuracy:P2}");
        var saved = SavedModel.Load(result.Best.SavedModel);
        Assert.Equal(recovered.TestAccuracy, saved.Card.TestAccuracy!.Value, 9);
        Assert.NotNull(saved.Card.Quantization);
        Assert.Equal(new Contracts.PredictorReport("mlp", 0, 6, false), result.Predictor);
    }

    public static TheoryData<string, string> BadSpecs => new()
    {
        { """{"quantization":{"bits":[8,4]}}""", "quantization.bits[1]" },
        { """{"quantization":{"bits":[1]}}""", "quantization.bits[0]" },
        { """{"constraint":{"metric":"flops","max":1000}}""", "constraint.metric" },
        { """{"constraint":{"metric":"latency","target":"no-such-device","ratio":0.5}}""", "constraint.target" },
        { """{"constraint":{"metric":"size","target":"bitfusion","ratio":0.5}}""", "constraint.target" },
        { """{"constraint":{"metric":"latency","target":"bitfusion","ratio":0.5,"max":1}}""", "constraint.max" },
        { """{"constraint":{"metric":"latency","target":"bitfusion","ratio":0.001}}""", "constraint.ratio" },
        { """{"constraint":{"metric":"latency","target":"bitfusion","ratio":1.5}}""", "constraint.ratio" },
        { """{"predictor":{"samples":1}}""", "predictor.samples" },
        { """{"predictor":{"confirm":41}}""", "predictor.confirm" },
        { """{"supernet":"../../etc"}""", "supernet" },
        { """{"dataset":"cifar10"}""", "dataset" },
        { """{"agent":"ddpg"}""", "agent" },
        { """{"agent":"nsga2","nsga2":{"objectives":[]}}""", "nsga2.objectives" },
        { """{"agent":"nsga2","nsga2":{"objectives":["size","size"]}}""", "nsga2.objectives[1]" },
        { """{"constraint":{"metric":"latency","target":"torchsharp-cpu","ratio":0.5}}""", "constraint.target" },
        { """{"budget":{"evaluations":0}}""", "budget.evaluations" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void A_bad_spec_is_refused_naming_the_field(string change, string field)
    {
        var spec = JsonNode.Parse("""
            {"kind":"codesign","supernet":"tiny","agent":"evolution","constraint":{"metric":"latency","target":"bitfusion","ratio":0.5},
             "budget":{"evaluations":40},"predictor":{"samples":12,"confirm":3},"seed":2}
            """)!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(change)!.AsObject()) spec[key] = value?.DeepClone();

        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(TestJobs.Parse(spec.ToJsonString()), _data.Folder));

        Assert.Contains(error.Errors, e => e.Field == field);
    }

    [Fact]
    public void Mutated_specs_are_planned_or_refused_naming_a_field_never_thrown_otherwise()
    {
        JsonNode?[] values =
        [
            null, "", "x", -1, 0, 1, 0.5, 2, 16, 17, 1e300, true, new JsonArray(), new JsonObject(),
            new JsonArray(8, 4), new JsonArray(2, 16), new JsonArray("size"), "../../etc", "/dev/zero", "lut:../../x.json", "bitfusion", "size", "nsga2",
            "latency", "energy", "bismo", "torchsharp-cpu",
        ];
        string[] paths =
        [
            "supernet", "dataset", "agent", "seed", "constraint", "constraint.metric", "constraint.target", "constraint.ratio", "constraint.max",
            "budget.evaluations", "budget.batch", "quantization", "quantization.bits", "quantization.calibrationImages", "quantization.fineTuneImages",
            "quantization.fineTuneLearningRate", "quantization.validationImages", "predictor.samples", "predictor.confirm", "predictor.transfer",
            "evolution.population", "nsga2.objectives", "recovery.epochs", "recovery.learningRate", "recovery.images",
        ];
        var random = new Random(20261202);
        int refused = 0;
        for (int i = 0; i < 300; i++)
        {
            var spec = JsonNode.Parse("""
                {"kind":"codesign","supernet":"tiny","agent":"evolution","constraint":{"metric":"latency","target":"bitfusion","ratio":0.5},
                 "budget":{"evaluations":40},"quantization":{"bits":[4,8]},"predictor":{"samples":12,"confirm":3},"recovery":{"epochs":1},"seed":2}
                """)!.AsObject();
            for (int change = 0; change < 1 + random.Next(2); change++)
            {
                var path = paths[random.Next(paths.Length)].Split('.');
                var at = spec;
                foreach (var part in path[..^1]) at = at[part] as JsonObject ?? (JsonObject)(at[part] = new JsonObject());
                at[path[^1]] = values[random.Next(values.Length)]?.DeepClone();
            }
            string json = spec.ToJsonString();
            try
            {
                TestJobs.Plan(TestJobs.Parse(json), _data.Folder);
            }
            catch (InvalidSpecException e)
            {
                refused++;
                Assert.All(e.Errors, error => Assert.False(string.IsNullOrWhiteSpace(error.Field) || string.IsNullOrWhiteSpace(error.Reason), json));
            }
        }
        Assert.True(refused > 150, $"{refused} of 300 refused");
    }

    [Fact]
    public void Transfer_needs_the_super_networks_measured_sub_networks()
    {
        TinySupernet.Save(_data.Folder, name: "tiny-unmeasured");
        var spec = Spec() with { Supernet = "tiny-unmeasured" };

        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(spec, _data.Folder));

        Assert.Contains("autodesign supernet sample --supernet tiny-unmeasured", Assert.Single(error.Errors, e => e.Field == "predictor").Reason);
        TestJobs.Plan(spec with { Predictor = new CodesignPredictor { Samples = 12, Confirm = 3, Transfer = false } }, _data.Folder);
    }

    private static List<string> Describe(IEnumerable<CandidateResult> candidates) =>
        candidates.Select(c => $"{c.Index} {c.Accuracy:R} {c.Metrics![NasKind.PredictedAccuracy]:R} " +
                               string.Join(",", c.Policy.Select(p => p.Choice ?? $"{p.WBits}/{p.ABits}"))).ToList();
}
