using AutoDesign.HardwareProfiler.Serving;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Search.Kinds.Formats;

/// <summary>
/// What a format policy costs when served: <c>memory</c>, the bytes of its weights plus (for a language model) the KV
/// cache of <see cref="ServingSettings.Batch"/> sequences of <see cref="ServingSettings.Context"/> tokens; or
/// <c>latency</c>, the milliseconds of one decode step of that batch at that context on a serving GPU
/// (<see cref="ServingCostModel"/>).
/// </summary>
public sealed class ServingCost
{
    public const string Memory = "memory", Latency = "latency";

    public static readonly IReadOnlyList<string> Metrics = [Memory, Latency];

    private readonly ModelSpec _spec;
    private readonly ServingCostModel? _gpu;
    private readonly int _context, _batch;

    /// <summary>Throws <see cref="ArgumentException"/> for a GPU that is not one, or a latency on a model that is not a language model.</summary>
    public ServingCost(ModelSpec spec, string metric, string? target, int context, int batch)
    {
        (_spec, Metric, _context, _batch) = (spec, metric, context, batch);
        if (metric != Latency) return;
        if (!spec.Input.IsTokens) throw new ArgumentException($"decode latency is modelled for language models; {spec.Name} reads images (use memory)");
        _gpu = new ServingCostModel(ServingGpu.Preset(target ?? ""));
    }

    public string Metric { get; }

    public string Unit => Metric == Latency ? "ms" : "bytes";

    /// <summary>What a ratio budget refers to: every projection in W8A8 and every cache in 8 bits, as HAQ's W8A8.</summary>
    public FormatPolicy Reference => FormatPolicy.Uniform(_spec, new ProjectionFormat(FormatKind.W8A8), _spec.Input.IsTokens ? new KvCacheFormat(8) : KvCacheFormat.Fp16);

    public double Of(FormatPolicy policy)
    {
        if (_gpu is not null) return 1e3 * _gpu.DecodeStepSeconds(ServingWorkload.From(_spec, policy), _batch, _context);
        double cache = _spec.Input.IsTokens ? (double)_batch * FormatSizes.KvBytes(_spec, policy, _context) : 0;
        return FormatSizes.WeightBytes(_spec, policy) + cache;
    }
}
