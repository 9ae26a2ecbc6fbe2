using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Quantization;

namespace AutoDesign.Host.Jobs;

/// <summary>
/// The network a candidate describes: the base spec with its channel counts (pruning) or its bit-widths
/// (quantization), or the sub-network of a super-network search. A table search's candidates are rows, not networks.
/// </summary>
public sealed record CandidateNetwork(ModelSpec Spec, PrecisionPolicy? Precision)
{
    /// <exception cref="InvalidOperationException">The candidate is a table row, or its super-network is not on this silo.</exception>
    public static CandidateNetwork Of(JobSpec job, CandidateResult candidate, DataFolder folder)
    {
        if (job.Kind == "nas") return new(Subnetwork(job, candidate, folder), null);
        var baseSpec = BaseModels.ResolveSpec(job.Model!, DatasetCatalog.Resolve(job.Dataset!).Info, folder);
        return job.Kind switch
        {
            "prune" => new(new PruningPolicy(candidate.Policy.ToDictionary(p => p.Layer, p => p.Channels!.Value)).ApplyTo(baseSpec), null),
            "quantize" => new(baseSpec, new PrecisionPolicy(new Precision(QuantizationSpace.KeptBits, QuantizationSpace.KeptBits),
                candidate.Policy.ToDictionary(p => p.Layer, p => new Precision(p.WBits!.Value, p.ABits!.Value)))),
            _ => new(baseSpec, null),
        };
    }

    private static ModelSpec Subnetwork(JobSpec job, CandidateResult candidate, DataFolder folder)
    {
        if (job.Supernet is null) throw new InvalidOperationException("the candidates of a search over a table are rows, not networks");
        string directory = SupernetSource.Locate(job.Supernet, folder)
                           ?? throw new InvalidOperationException($"super-network '{job.Supernet}' is not in this silo's data folder");
        var layout = SavedSupernet.Load(directory).Layout;
        return SubnetExtraction.Spec(layout, SupernetPolicy.Decode(new SubnetSpace(layout), candidate.Policy), $"subnet-{candidate.Index}");
    }
}
