using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Quantization;

namespace AutoDesign.Silo.Jobs;

/// <summary>The network a candidate describes: the base spec with its channel counts (pruning) and its bit-widths (quantization).</summary>
public sealed record CandidateNetwork(ModelSpec Spec, PrecisionPolicy? Precision)
{
    public static CandidateNetwork Of(JobSpec job, CandidateResult candidate, DataFolder folder)
    {
        var baseSpec = BaseModels.ResolveSpec(job.Model!, DatasetCatalog.Resolve(job.Dataset!).Info, folder);
        return job.Kind switch
        {
            "prune" => new(new PruningPolicy(candidate.Policy.ToDictionary(p => p.Layer, p => p.Channels!.Value)).ApplyTo(baseSpec), null),
            "quantize" => new(baseSpec, new PrecisionPolicy(new Precision(QuantizationSpace.KeptBits, QuantizationSpace.KeptBits),
                candidate.Policy.ToDictionary(p => p.Layer, p => new Precision(p.WBits!.Value, p.ABits!.Value)))),
            _ => new(baseSpec, null),
        };
    }
}
