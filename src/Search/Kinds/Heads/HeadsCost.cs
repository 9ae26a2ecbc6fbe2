using AutoDesign.HardwareProfiler.Serving;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Search.Kinds.Heads;

/// <summary>
/// What a choice of head patterns costs when served in FP16 on a serving GPU (<see cref="ServingCostModel"/>):
/// <c>prefill</c>, the milliseconds of the prefill of <c>batch</c> prompts of <c>context</c> tokens; <c>decode</c>,
/// one decode step of that batch at that context; or <c>memory</c>, the bytes of their KV caches (a streaming head
/// keeps its sinks and window only); or <c>macs</c>, the model's own multiply-accumulates for one input with the
/// patterns (attention counting the pairs each head reads; any model, and the one a video model takes). The reference
/// a ratio refers to is every head dense.
/// </summary>
public sealed class HeadsCost(ModelSpec spec, string metric, string? target, int context, int batch)
{
    public const string Prefill = "prefill", Decode = "decode", Memory = "memory", Macs = "macs";

    public static readonly IReadOnlyList<string> Metrics = [Prefill, Decode, Memory, Macs];

    private readonly ServingCostModel? _gpu = metric is Prefill or Decode ? new ServingCostModel(ServingGpu.Preset(target ?? "")) : null;
    private readonly FormatPolicy _fp16 = new(new Dictionary<string, ProjectionFormat>(), new Dictionary<string, KvCacheFormat>());

    public string Metric => metric;

    public string Unit => metric switch { Memory => "bytes", Macs => "MACs", _ => "ms" };

    public double Of(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? heads)
    {
        if (metric == Macs) return heads is null ? spec.Analyze().Macs : HeadPolicies.SpecWith(spec, heads).Analyze().Macs;
        var workload = ServingWorkload.From(spec, _fp16, heads);
        return metric switch
        {
            Prefill => 1e3 * _gpu!.PrefillSeconds(workload, batch, context),
            Decode => 1e3 * _gpu!.DecodeStepSeconds(workload, batch, context),
            _ => (double)batch * workload.KvBytes(context),
        };
    }
}
