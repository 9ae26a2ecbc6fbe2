using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Specs;
using AutoDesign.Search.Spaces;

namespace AutoDesign.Search.Quantization;

/// <summary>
/// HAQ's environment over serving formats (a <see cref="LadderSpace"/>): one step per quantizable projection (which
/// format it takes) and per attention layer (how it stores its KV cache), in the spec's order. Each ladder is ordered
/// largest first by what the layer then stores (a rank-r SVDQuant branch costs more on a small layer than on a large
/// one, so the order is the layer's own). Each step observes its index, input and output channels, parameters,
/// whether it is a cache, the head size, and the previous action.
/// </summary>
public sealed class FormatSpace : LadderSpace
{
    public const int Features = 7;

    private readonly IReadOnlyList<(LadderStep Step, bool IsCache)> _layerSteps;
    private readonly Func<FormatPolicy, double> _cost;

    /// <param name="reference">The policy a ratio budget refers to.</param>
    public FormatSpace(ModelSpec spec, IReadOnlyList<ProjectionFormat> formats, IReadOnlyList<KvCacheFormat> caches, Func<FormatPolicy, double> cost,
        FormatPolicy reference, double? budget = null)
        : this(spec, StepsOf(spec, formats, caches), cost, reference, budget)
    {
    }

    private FormatSpace(ModelSpec spec, IReadOnlyList<(LadderStep Step, bool IsCache)> steps, Func<FormatPolicy, double> cost, FormatPolicy reference, double? budget)
        : base([.. steps.Select(s => s.Step)], rungs => cost(PolicyOf(steps, rungs)), cost(reference), budget)
    {
        Spec = spec;
        _layerSteps = steps;
        _cost = cost;
    }

    public ModelSpec Spec { get; }

    /// <summary>The layers the agent decides for, in order (projections and attention layers).</summary>
    public IReadOnlyList<string> Layers => Names;

    public double Cost(FormatPolicy policy) => _cost(policy);

    public FormatPolicy PolicyFor(IReadOnlyList<double> actions) => PolicyOf(RungsFor(actions));

    /// <summary>The policy of one rung per step (0: the top of the ladder).</summary>
    public FormatPolicy PolicyOf(IReadOnlyList<int> rungs) => PolicyOf(_layerSteps, rungs);

    private static FormatPolicy PolicyOf(IReadOnlyList<(LadderStep Step, bool IsCache)> steps, IReadOnlyList<int> rungs)
    {
        var projections = new Dictionary<string, ProjectionFormat>();
        var caches = new Dictionary<string, KvCacheFormat>();
        for (int i = 0; i < steps.Count; i++)
        {
            string choice = steps[i].Step.Ladder[rungs[i]];
            if (steps[i].IsCache) caches[steps[i].Step.Name] = KvCacheFormat.Parse(choice);
            else projections[steps[i].Step.Name] = ProjectionFormat.Parse(choice);
        }
        return new FormatPolicy(projections, caches);
    }

    private static List<(LadderStep, bool)> StepsOf(ModelSpec spec, IReadOnlyList<ProjectionFormat> formats, IReadOnlyList<KvCacheFormat> caches)
    {
        if (formats.Count == 0) throw new ArgumentException("no projection format to choose from", nameof(formats));
        var analysis = spec.Analyze();
        var quantizable = FormatPolicy.QuantizableProjections(spec).ToHashSet();
        var steps = new List<(LadderStep, bool)>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var (layer, shape) = (spec.Layers[i], analysis.Layers[i]);
            if (quantizable.Contains(layer.Name))
            {
                var ladder = formats.Where(f => f.Misfit(shape.OutChannels, shape.InChannels) is null)
                    .OrderByDescending(f => f.WeightBytes(shape.OutChannels, shape.InChannels)).Select(f => f.Name).Distinct().ToList();
                if (ladder.Count == 0)
                    throw new ArgumentException($"no format offered fits layer '{layer.Name}' ({shape.OutChannels} x {shape.InChannels}): {string.Join("; ", formats.Select(f => f.Misfit(shape.OutChannels, shape.InChannels)))}");
                steps.Add((new LadderStep(layer.Name, ladder, [steps.Count, shape.InChannels, shape.OutChannels, shape.Params, 0, 0]), false));
            }
            else if (layer.Op == LayerOp.Attention && caches.Count > 0)
            {
                var ladder = caches.OrderByDescending(c => c.BytesPerToken(shape.KvChannels, layer.HeadSize!.Value)).Select(c => c.Name).Distinct().ToList();
                steps.Add((new LadderStep(layer.Name, ladder, [steps.Count, shape.OutChannels, shape.KvChannels, 0, 1, layer.HeadSize!.Value]), true));
            }
        }
        return steps;
    }
}
