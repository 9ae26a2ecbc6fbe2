using AutoDesign.Modeling;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Recovery;

namespace AutoDesign.Search.Kinds.Nas;

/// <summary>
/// What a nas job over a super-network holds while it runs: the super-network with its weights, the data set and the
/// evaluator that scores sub-networks (inherited weights, batch norm re-estimated on training images, accuracy on
/// validation images), and the space whose <see cref="ChoiceSpace.Evaluate"/> uses them. <see cref="Finish"/> tests the
/// best sub-network, recovers it (distilled from the largest sub-network) and saves it as an ordinary saved model.
/// </summary>
internal sealed class SupernetSearch : IDisposable
{
    private readonly SupernetSource _source;
    private readonly Dataset _data;
    private readonly SuperNetwork _network;
    private readonly SubnetEvaluator _evaluator;
    private readonly NasPlan _plan;

    public SupernetSearch(SupernetSource source, DataFolder folder, NasPlan plan)
    {
        _source = source;
        _plan = plan;
        _data = DatasetCatalog.Load(source.Saved.Dataset, folder);
        _network = source.Saved.CreateNetwork(source.Directory);
        _evaluator = new SubnetEvaluator(_data, SupernetFolders.ValidationImages, SupernetFolders.RecalibrationImages);
        Space = new SupernetSpace(source.Saved.Layout, source.Metrics, plan.ConstraintMetric, plan.Limit,
            choice => _evaluator.Evaluate(_network, choice).Accuracy);
    }

    public SupernetSpace Space { get; }

    public SearchResult Finish(CandidateResult best, SearchResult result, JobContext context)
    {
        var choices = Space.Subnets.Encode(SupernetPolicy.Decode(Space.Subnets, best.Policy));
        var costs = Space.Costs(choices);
        var largest = _evaluator.Evaluate(_network, Space.Subnets.Largest);
        using var subnet = Extract(best.Policy);
        double test = Evaluation.Of(subnet, _data.Test, _data.Mean, _data.Std).Accuracy;
        RecoveryResult? recovered = null;
        IReadOnlyList<EpochReport> history = [];
        if (_plan.Recovery is { } recovery)
        {
            using var teacher = _source.Saved.Extract(_network, Space.Subnets.Largest, _data, SupernetFolders.RecalibrationImages);
            var recoverer = DesignRecovery.ForImages(recovery, _source.Saved.Training.SubnetTraining(), _plan.Seed, _data, _data.Mean, _data.Std, teacher,
                context.RecoveryDirectory, context.Logger);
            (recovered, history) = recoverer.Recover(subnet, best.Index, test, result.Pareto, i => Extract(result.Candidates.First(c => c.Index == i).Policy),
                context.Cancellation);
        }
        string saved = "";
        if (!string.IsNullOrEmpty(context.BestModelDirectory))
            saved = _source.Saved.SaveSubnet(subnet, _data, context.BestModelDirectory, history).Directory;
        var target = _source.Target;
        string? metric = Space.Constraint;
        return result with
        {
            Base = new BaseMetrics($"supernet:{_source.Saved.Name}", _source.Saved.Dataset, _source.Directory, largest.Accuracy, null, largest.Macs, largest.Params),
            Constraint = new ConstraintResult(metric ?? "none", Unit(metric), metric is "latency" or "energy" ? target?.Name : null,
                metric is "latency" or "energy" ? target?.Kind.ToString().ToLowerInvariant() : null, null),
            Best = result.Best with { Flops = (long)costs["flops"], Params = (long)costs["params"], TestAccuracy = test, SavedModel = saved, Recovered = recovered },
            Candidates = [.. result.Candidates.Select(c => c with { Flops = (long)c.Metrics!["flops"], Params = (long)c.Metrics["params"] })],
            Pareto = [.. result.Pareto.Select(p => p with { Flops = (long)result.Candidates[p.Index].Metrics!["flops"], Params = (long)result.Candidates[p.Index].Metrics!["params"] })],
        };
    }

    private SpecNetwork Extract(IReadOnlyList<PolicyEntry> policy) =>
        _source.Saved.Extract(_network, Space.Choice(Space.Subnets.Encode(SupernetPolicy.Decode(Space.Subnets, policy))), _data, SupernetFolders.RecalibrationImages);

    private static string Unit(string? metric) => metric switch
    {
        "flops" => "MACs",
        "params" => "parameters",
        "latency" => "ms",
        "energy" => "mJ",
        _ => "",
    };

    public void Dispose()
    {
        _evaluator.Dispose();
        _network.Dispose();
    }
}
