using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Recovery;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Codesign;

/// <summary>
/// What a joint search holds while it runs: the super-network with its weights, the data set, the evaluator that
/// measures designs at their bits and the space that uses it; the predictor's round (<see cref="ShortlistAsync"/>)
/// and the end (<see cref="Finish"/>: the best design tested, recovered at its bits and saved).
/// </summary>
internal sealed class CodesignSearch : IDisposable
{
    private readonly CodesignPlan _plan;
    private readonly JobContext _context;
    private readonly string _directory;
    private readonly SavedSupernet _saved;
    private readonly Dataset _data;
    private readonly SuperNetwork _network;
    private readonly QuantizedSubnetEvaluator _evaluator;
    private readonly CostMetric _metric;

    public CodesignSearch(CodesignPlan plan, JobContext context)
    {
        _plan = plan;
        _context = context;
        _directory = context.Folder.Resolve(plan.Supernet.Directory);
        if (!SavedSupernet.IsSavedSupernet(_directory))
            throw new InvalidOperationException($"super-network '{plan.Supernet.Name}' is not in this silo's data folder ({_directory})");
        _saved = SavedSupernet.Load(_directory);
        _data = DatasetCatalog.Load(_saved.Dataset, context.Folder);
        _network = _saved.CreateNetwork(_directory);
        try
        {
            _evaluator = new QuantizedSubnetEvaluator(_network, _data, plan.Quantization, SupernetFolders.RecalibrationImages, seed: 7);
        }
        catch
        {
            _network.Dispose();
            throw;
        }
        var metrics = CodesignChecks.ReportedMetrics(plan.ConstraintMetric, plan.ConstraintTarget, context.Folder);
        _metric = metrics[0];
        Space = new CodesignSpace(_saved.Layout, plan.Quantization.Bits, metrics, plan.ConstraintMetric, plan.Limit, _evaluator.Accuracy);
    }

    public CodesignSpace Space { get; }

    /// <summary>
    /// Fits the full-precision predictor on the super-network's measured sub-networks, measures the job's designs at
    /// their bits, fits the quantization-aware predictor on them (from the first one's weights, or from scratch), and
    /// lets the agent search with it.
    /// </summary>
    public async Task<(IReadOnlyList<Shortlisted> Shortlist, int Predicted, PredictorReport Report)> ShortlistAsync()
    {
        var logger = _context.Logger;
        var settings = new MlpAccuracyPredictor.Settings { Seed = (ulong)_plan.Seed };
        int fullPrecisionSamples = 0;
        MlpAccuracyPredictor? fullPrecision = null;
        try
        {
            if (_plan.Predictor.Transfer)
            {
                var file = AccuracySampleFile.TryLoad(_directory)
                           ?? throw new InvalidOperationException($"super-network '{_plan.Supernet.Name}' has lost its measured sub-networks");
                fullPrecision = MlpAccuracyPredictor.Fit(_saved.Layout, file.Samples, settings);
                fullPrecisionSamples = file.Samples.Count;
            }
            var samples = QuantizedSampling.Collect(Space, _evaluator.Accuracy, _plan.Predictor.Samples, _plan.Seed, _context.WorkDirectory, logger, _context.Cancellation);
            using var predictor = QuantizationAwarePredictor.Fit(_saved.Layout, _plan.Quantization.Bits, samples, fullPrecision,
                fullPrecision is null ? settings : QuantizationAwarePredictor.Transferring(settings.Seed));
            var guessing = Space.WithAccuracy(predictor.Predict);
            var agent = SearchAgents.Create(_plan.Agent, guessing,
                new AgentSettings(_plan.Seed) { Evolution = _plan.Evolution, Nsga2 = _plan.Nsga2, Costs = _plan.Costs.Count });
            var (shortlist, predicted) = await PredictedSearch.RunAsync(agent, guessing, guessing.Canonical, _plan.Evaluations,
                _plan.Batch, _plan.Predictor.Confirm, _plan.Agent == "nsga2", _plan.Costs, _context.Cancellation);
            logger.LogInformation("Quantization-aware predictor ({How}, {Samples} designs at their bits) scored {Predicted} designs; confirming {Confirm} (predicted {Best:P2} at best)",
                fullPrecision is null ? "from scratch" : $"transferred from the full-precision one on {fullPrecisionSamples} sub-networks", samples.Count, predicted,
                shortlist.Count, shortlist.Count > 0 ? shortlist[0].PredictedAccuracy : 0);
            return (shortlist, predicted, new PredictorReport("mlp", fullPrecisionSamples, samples.Count, fullPrecision is not null));
        }
        finally
        {
            fullPrecision?.Dispose();
        }
    }

    /// <summary>The largest sub-network at full precision, which the designs are distilled from.</summary>
    public BaseMetrics Base()
    {
        var largest = Space.Subnets.Largest;
        using var network = SubnetExtraction.Extract(_network, largest);
        double accuracy = _evaluator.FloatAccuracy(network);
        return new BaseMetrics($"supernet:{_saved.Name}", _saved.Dataset, _directory, accuracy, null, network.Analysis.Macs, network.Analysis.Params);
    }

    public ConstraintResult ConstraintResult()
    {
        var target = (_metric as CostMetric.OnTarget)?.Target;
        return new ConstraintResult(_metric.Name, _metric.Unit, target?.Name, target?.Kind.ToString().ToLowerInvariant(), _plan.Ratio);
    }

    /// <summary>Tests the best design at its bits, recovers it (distilled from the largest sub-network, quantization in the loop) and saves it.</summary>
    public BestResult Finish(CandidateResult best, IReadOnlyList<CandidateResult> candidates, IReadOnlyList<ParetoPoint> front)
    {
        var choices = CodesignPolicy.Decode(Space, best.Policy);
        using var network = Quantized(best);
        double test = Evaluation.Of(network, _data.Test, _data.Mean, _data.Std).Accuracy;
        RecoveryResult? recovered = null;
        IReadOnlyList<EpochReport> history = [];
        if (_plan.Recovery is { } recovery)
        {
            using var teacher = _saved.Extract(_network, Space.Subnets.Largest, _data, SupernetFolders.RecalibrationImages);
            var recoverer = DesignRecovery.ForImages(recovery, _saved.Training.SubnetTraining(), _plan.Seed, _data, _data.Mean, _data.Std, teacher,
                _context.RecoveryDirectory, _context.Logger);
            (recovered, history) = recoverer.Recover(network, best.Index, test, front, i => Quantized(candidates.First(c => c.Index == i)), _context.Cancellation);
        }
        string saved = "";
        if (!string.IsNullOrEmpty(_context.BestModelDirectory))
            saved = _saved.SaveSubnet(network, _data, _context.BestModelDirectory, history, Space.Network(choices).Policy).Directory;
        _context.Logger.LogInformation("Best design {Index}: validation {Accuracy:P2}, test {Test:P2}{Recovered} at {Metric} {Cost:G6}",
            best.Index, best.Accuracy, test, recovered is { } r ? $" ({r.TestAccuracy:P2} after {r.Epochs} epochs of recovery)" : "", _metric.Name, best.ConstrainedValue);
        return new BestResult(best.Index, best.Accuracy, best.Flops, best.Params, best.ConstrainedValue, best.Policy, test, 0, null, saved, best.Metrics,
            Recovered: recovered);
    }

    private SpecNetwork Quantized(CandidateResult candidate)
    {
        var (choice, bits) = Space.Design(CodesignPolicy.Decode(Space, candidate.Policy));
        return _evaluator.Quantized(choice, bits, $"apq-{_saved.Name}-{candidate.Index}");
    }

    public void Dispose()
    {
        _evaluator.Dispose();
        _network.Dispose();
    }
}
