using AutoDesign.Modeling;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Jobs;

namespace AutoDesign.Search.Kinds.Nas;

/// <summary>
/// What a nas job over a super-network holds while it runs: the super-network with its weights, the data set and the
/// evaluator that scores sub-networks (inherited weights, batch norm re-estimated on training images, accuracy on
/// validation images), and the space whose <see cref="ChoiceSpace.Evaluate"/> uses them. <see cref="Finish"/> saves
/// the best sub-network as an ordinary saved model and measures its test accuracy there.
/// </summary>
internal sealed class SupernetSearch : IDisposable
{
    private readonly SupernetSource _source;
    private readonly Dataset _data;
    private readonly SuperNetwork _network;
    private readonly SubnetEvaluator _evaluator;

    public SupernetSearch(SupernetSource source, DataFolder folder, NasPlan plan)
    {
        _source = source;
        _data = DatasetCatalog.Load(source.Saved.Dataset, folder);
        _network = source.Saved.CreateNetwork(source.Directory);
        _evaluator = new SubnetEvaluator(_data, SupernetFolders.ValidationImages, SupernetFolders.RecalibrationImages);
        Space = new SupernetSpace(source.Saved.Layout, source.Metrics, plan.ConstraintMetric, plan.Limit,
            choice => _evaluator.Evaluate(_network, choice).Accuracy);
    }

    public SupernetSpace Space { get; }

    public SearchResult Finish(CandidateResult best, SearchResult result, string bestModelDirectory)
    {
        var choices = Space.Subnets.Encode(SupernetPolicy.Decode(Space.Subnets, best.Policy));
        var costs = Space.Costs(choices);
        var largest = _evaluator.Evaluate(_network, Space.Subnets.Largest);
        double test = 0;
        string saved = "";
        if (!string.IsNullOrEmpty(bestModelDirectory))
        {
            var model = _source.Saved.SaveSubnet(_network, Space.Choice(choices), _data, bestModelDirectory, SupernetFolders.RecalibrationImages);
            test = model.Card.TestAccuracy ?? 0;
            saved = model.Directory;
        }
        var target = _source.Target;
        string? metric = Space.Constraint;
        return result with
        {
            Base = new BaseMetrics($"supernet:{_source.Saved.Name}", _source.Saved.Dataset, _source.Directory, largest.Accuracy, null, largest.Macs, largest.Params),
            Constraint = new ConstraintResult(metric ?? "none", Unit(metric), metric is "latency" or "energy" ? target?.Name : null,
                metric is "latency" or "energy" ? target?.Kind.ToString().ToLowerInvariant() : null, null),
            Best = result.Best with { Flops = (long)costs["flops"], Params = (long)costs["params"], TestAccuracy = test, SavedModel = saved },
            Candidates = [.. result.Candidates.Select(c => c with { Flops = (long)c.Metrics!["flops"], Params = (long)c.Metrics["params"] })],
            Pareto = [.. result.Pareto.Select(p => p with { Flops = (long)result.Candidates[p.Index].Metrics!["flops"], Params = (long)result.Candidates[p.Index].Metrics!["params"] })],
        };
    }

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
