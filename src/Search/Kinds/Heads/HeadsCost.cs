using AutoDesign.HardwareProfiler.Serving;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Search.Kinds.Heads;

/// <summary>
/// What a choice of head patterns costs when served in FP16 on a serving GPU (<see cref="ServingCostModel"/>):
/// <c>prefill</c>, the milliseconds of the prefill of <c>batch</c> prompts of <c>context</c> tokens; <c>decode</c>,
/// one decode step of that batch at that context; or <c>memory</c>, the bytes of their KV caches (a streaming head
/// keeps its sinks and window only). The reference a ratio refers to is every head dense.
/// </summary>
public sealed class HeadsCost(ModelSpec spec, string metric, string? target, int context, int batch)
{
    public const string Prefill = "prefill", Decode = "decode", Memory = "memory";

    public static readonly IReadOnlyList<string> Metrics = [Prefill, Decode, Memory];

    private readonly ServingCostModel? _gpu = metric == Memory ? null : new ServingCostModel(ServingGpu.Preset(target ?? ""));
    private readonly FormatPolicy _fp16 = new(new Dictionary<string, ProjectionFormat>(), new Dictionary<string, KvCacheFormat>());

    public string Metric => metric;

    public string Unit => metric == Memory ? "bytes" : "ms";

    public double Of(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? heads)
    {
        var workload = ServingWorkload.From(spec, _fp16, heads);
        return metric switch
        {
            Prefill => 1e3 * _gpu!.PrefillSeconds(workload, batch, context),
            Decode => 1e3 * _gpu!.DecodeStepSeconds(workload, batch, context),
            _ => (double)batch * workload.KvBytes(context),
        };
    }
}
