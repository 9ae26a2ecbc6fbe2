using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Quantization;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// Scores a mixed-precision job's candidates: each policy is calibrated, briefly fine-tuned with quantization in the
/// loop and scored; the reward is 0.1 x (quantized accuracy - float accuracy), as in HAQ.
/// </summary>
public sealed class QuantizationScorer : ICandidateScorer
{
    public const double RewardScale = 0.1;

    private QuantizationScorer(ValidJob job, SavedModel baseModel, Dataset data, SpecNetwork network, QuantizationEvaluator evaluator)
    {
        Job = job;
        BaseModel = baseModel;
        Data = data;
        Network = network;
        Evaluator = evaluator;
        var q = job.Quantization;
        var (model, metric) = (job.Model!, job.Metric!);
        Space = new QuantizationSpace(model, p => metric.Of(model, p), job.BudgetLimit, q.MinBits, q.MaxBits, q.KeepFirstAndLast);
    }

    public ValidJob Job { get; }

    public SavedModel BaseModel { get; }

    public Dataset Data { get; }

    public SpecNetwork Network { get; }

    public QuantizationEvaluator Evaluator { get; }

    public QuantizationSpace Space { get; }

    /// <summary>Trains the base model first if the cache does not hold it.</summary>
    public static QuantizationScorer Create(JobSpec spec, DataFolder folder, ILogger logger, CancellationToken cancellation)
    {
        var job = JobSpecValidator.Check(spec, folder);
        var baseModel = new BaseModels(folder, logger).GetOrTrain(spec.Model!, spec.Dataset!, job.BaseTraining, cancellation: cancellation).Model;
        var data = DatasetCatalog.Load(spec.Dataset!, folder);
        var q = job.Quantization;
        var network = baseModel.CreateNetwork();
        var evaluator = new QuantizationEvaluator(network, data, baseModel.Card.Mean, baseModel.Card.Std,
            new QuantizationSetup(q.CalibrationImages, q.Calibration, q.FineTuneImages, q.FineTuneLearningRate, q.ValidationImages, (ulong)spec.Seed));
        return new QuantizationScorer(job, baseModel, data, network, evaluator);
    }

    public IReadOnlyList<PolicyEntry> Describe(IReadOnlyList<double> actions) => Describe(Space.PolicyFor(actions));

    public CandidateResult Score(int index, IReadOnlyList<double> actions)
    {
        var policy = Space.PolicyFor(actions);
        double accuracy = Evaluator.Accuracy(policy);
        var analysis = Space.Spec.Analyze();
        return new CandidateResult(index, accuracy, analysis.Macs, analysis.Params, Space.Cost(policy),
            RewardScale * (accuracy - Evaluator.FloatAccuracy), Describe(policy), Metrics(policy));
    }

    public void Dispose()
    {
        Evaluator.Dispose();
        Network.Dispose();
    }

    private IReadOnlyList<PolicyEntry> Describe(PrecisionPolicy policy) =>
        Space.Spec.Layers.Where(l => l.HasWeights)
            .Select(l => new PolicyEntry(l.Name, WBits: policy.For(l.Name).WeightBits, ABits: policy.For(l.Name).ActivationBits)).ToList();

    /// <summary>Latency and energy (simulated where the target is) on the constrained target and the report targets, and model size.</summary>
    private Dictionary<string, double> Metrics(PrecisionPolicy policy)
    {
        var metrics = new Dictionary<string, double> { ["sizeBits"] = CostMetric.Size.Of(Space.Spec, policy) };
        var targets = new List<IHardwareTarget>(Job.ReportTargets);
        if (Job.Metric is CostMetric.OnTarget { Target: var constrained } && targets.All(t => t.Name != constrained.Name)) targets.Insert(0, constrained);
        foreach (var target in targets)
        {
            var report = target.Measure(Space.Spec, policy);
            string how = report.Kind == TargetKind.Measured ? "measured" : "simulated";
            metrics[$"latencyMs@{target.Name} ({how})"] = report.Latency.Value;
            if (report.Energy is { } energy) metrics[$"energyMj@{target.Name} ({how})"] = energy.Value;
        }
        return metrics;
    }
}
