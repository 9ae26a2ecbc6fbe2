using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Spaces;

namespace AutoDesign.Search.Kinds.Heads;

/// <summary>
/// The head patterns of a transformer as a <see cref="LadderSpace"/>: one step per key/value head of each attention
/// layer (<c>block0_attention[3]</c>), whose ladder is the patterns offered that fit the layer, ordered by the tokens
/// a decode step reads at the serving context and then the pairs a prefill computes, most first (dense at the top).
/// Each step observes its index, its layer's, its head's, the layer's key/value heads, query heads per key/value head
/// and head size, and the previous action. A step's loss alone (its head at the bottom of its ladder, every other
/// dense) is measured on demand for the importance recipe.
/// </summary>
public sealed class HeadPatternSpace : LadderSpace, IProfiledLadderSpace, IOnlineProfiledSpace
{
    private readonly IReadOnlyList<(LadderStep Step, string Layer, int Head)> _steps;
    private readonly Func<HeadPatternSpace, int, double>? _loss;
    private readonly Func<HeadPatternSpace, IReadOnlyList<int>>? _profiled;

    /// <param name="loss">The importance recipe's measurement of one head alone at its sparsest.</param>
    /// <param name="profiled">Sparse VideoGen's online profiling of the heads, as rungs.</param>
    public HeadPatternSpace(ModelSpec spec, IReadOnlyList<HeadPattern> patterns, int context, Func<IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>, double> cost,
        double? budget, Func<HeadPatternSpace, int, double>? loss = null, Func<HeadPatternSpace, IReadOnlyList<int>>? profiled = null)
        : this(spec, StepsOf(spec, patterns, context), cost, budget, loss, profiled)
    {
    }

    private HeadPatternSpace(ModelSpec spec, IReadOnlyList<(LadderStep Step, string Layer, int Head)> steps, Func<IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>, double> cost,
        double? budget, Func<HeadPatternSpace, int, double>? loss, Func<HeadPatternSpace, IReadOnlyList<int>>? profiled)
        : base([.. steps.Select(s => s.Step)], rungs => cost(PolicyOf(steps, rungs)), cost(PolicyOf(steps, new int[steps.Count])), budget)
    {
        Spec = spec;
        _steps = steps;
        _loss = loss;
        _profiled = profiled;
    }

    public ModelSpec Spec { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> PolicyFor(IReadOnlyList<double> actions) => PolicyOf(RungsFor(actions));

    public IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> PolicyOf(IReadOnlyList<int> rungs) => PolicyOf(_steps, rungs);

    public int Rungs(int step) => Ladder(step).Count;

    public double Loss(int step) => (_loss ?? throw new InvalidOperationException("this space measures no losses"))(this, step);

    public IReadOnlyList<int>? ProfiledRungs() => _profiled?.Invoke(this);

    /// <summary>The rung of each head's pattern in a policy; a head the policy leaves out, or whose pattern is not on its ladder, stays at the top.</summary>
    public IReadOnlyList<int> RungsOf(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> policy) =>
        [.. _steps.Select(s => policy.TryGetValue(s.Layer, out var heads) && s.Head < heads.Count ? Math.Max(0, s.Step.Ladder.ToList().IndexOf(heads[s.Head].Name)) : 0)];

    private static Dictionary<string, IReadOnlyList<HeadPattern>> PolicyOf(IReadOnlyList<(LadderStep Step, string Layer, int Head)> steps, IReadOnlyList<int> rungs)
    {
        var policy = new Dictionary<string, List<HeadPattern>>();
        for (int i = 0; i < steps.Count; i++)
        {
            if (!policy.TryGetValue(steps[i].Layer, out var heads)) policy[steps[i].Layer] = heads = [];
            heads.Add(HeadPattern.Parse(steps[i].Step.Ladder[rungs[i]]));
        }
        return policy.ToDictionary(p => p.Key, p => (IReadOnlyList<HeadPattern>)p.Value);
    }

    private static List<(LadderStep, string, int)> StepsOf(ModelSpec spec, IReadOnlyList<HeadPattern> patterns, int context)
    {
        var analysis = spec.Analyze();
        var steps = new List<(LadderStep, string, int)>();
        int attentionIndex = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            if (layer.Op != LayerOp.Attention) continue;
            var map = analysis.Layers[i].InputShape;
            int size = layer.HeadSize!.Value, keyHeads = analysis[spec.InputsOf(i)[1]].OutputShape.Channels / size, share = map.Channels / size / keyHeads;
            // A language model's heads are ordered as served at the context; a video model's over its own frames.
            var (frames, perFrame) = map.Height > 1 ? (map.Height, map.Width) : (1, context);
            var ladder = patterns.Where(p => p.Misfit(map.Height, map.Width, layer.Causal) is null)
                .OrderByDescending(p => AttentionWork.DecodeReads(p, context)).ThenByDescending(p => AttentionWork.PrefillPairs(p, frames, perFrame, layer.Causal))
                .Select(p => p.Name).Distinct().ToList();
            if (ladder.Count == 0)
                throw new ArgumentException($"no pattern offered fits layer '{layer.Name}' ({map.Height * map.Width} positions{(layer.Causal ? ", causal" : "")}): " +
                                            string.Join("; ", patterns.Select(p => $"{p.Name}: {p.Misfit(map.Height, map.Width, layer.Causal)}")));
            for (int h = 0; h < keyHeads; h++)
                steps.Add((new LadderStep($"{layer.Name}[{h}]", ladder, [steps.Count, attentionIndex, h, keyHeads, share, size]), layer.Name, h));
            attentionIndex++;
        }
        return steps;
    }
}
