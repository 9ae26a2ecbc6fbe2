using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Specs;
using AutoDesign.Search.Agents;

namespace AutoDesign.Search.Quantization;

/// <summary>
/// HAQ's environment over serving formats: one step per quantizable projection (which format it takes) and per
/// attention layer (how it stores its KV cache), in the spec's order. Each step's choices form a ladder, largest
/// first by what the layer then stores (a rank-r SVDQuant branch costs more on a small layer than on a large one, so
/// the order is the layer's own); an action in [0, 1] picks a rung, 1 the top. Each step observes its index, input
/// and output channels, parameters, whether it is a cache, the head size, and the previous action, scaled to
/// [0, 1]. When a finished policy exceeds the budget, layers step down their ladders from the last back, one rung at
/// a time, until it fits; the constructor refuses a budget that even the bottom rungs cannot meet.
/// </summary>
public sealed class FormatSpace : ISequentialSpace
{
    public const int Features = 7;

    private readonly LayerStep[] _steps;
    private readonly Func<FormatPolicy, double> _cost;

    private sealed record LayerStep(string Layer, bool IsCache, IReadOnlyList<string> Ladder, float[] Features);

    /// <param name="reference">The policy a ratio budget refers to.</param>
    public FormatSpace(ModelSpec spec, IReadOnlyList<ProjectionFormat> formats, IReadOnlyList<KvCacheFormat> caches, Func<FormatPolicy, double> cost,
        FormatPolicy reference, double? budget = null)
    {
        if (formats.Count == 0) throw new ArgumentException("no projection format to choose from", nameof(formats));
        Spec = spec;
        _cost = cost;
        Budget = budget;
        var analysis = spec.Analyze();
        var quantizable = FormatPolicy.QuantizableProjections(spec).ToHashSet();
        var steps = new List<(string Layer, bool IsCache, IReadOnlyList<string> Ladder, double[] Row)>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var (layer, shape) = (spec.Layers[i], analysis.Layers[i]);
            if (quantizable.Contains(layer.Name))
            {
                var ladder = formats.Where(f => f.Misfit(shape.OutChannels, shape.InChannels) is null)
                    .OrderByDescending(f => f.WeightBytes(shape.OutChannels, shape.InChannels)).Select(f => f.Name).Distinct().ToList();
                if (ladder.Count == 0)
                    throw new ArgumentException($"no format offered fits layer '{layer.Name}' ({shape.OutChannels} x {shape.InChannels}): {string.Join("; ", formats.Select(f => f.Misfit(shape.OutChannels, shape.InChannels)))}");
                steps.Add((layer.Name, false, ladder, [steps.Count, shape.InChannels, shape.OutChannels, shape.Params, 0, 0]));
            }
            else if (layer.Op == LayerOp.Attention && caches.Count > 0)
            {
                var ladder = caches.OrderByDescending(c => c.BytesPerToken(shape.KvChannels, layer.HeadSize!.Value)).Select(c => c.Name).Distinct().ToList();
                steps.Add((layer.Name, true, ladder, [steps.Count, shape.OutChannels, shape.KvChannels, 0, 1, layer.HeadSize!.Value]));
            }
        }
        var features = FeatureScaling.MinMax([.. steps.Select(s => s.Row)]);
        _steps = [.. steps.Select((s, i) => new LayerStep(s.Layer, s.IsCache, s.Ladder, features[i]))];
        ReferenceCost = cost(reference);
        MinimumCost = cost(PolicyOf(_steps.Select(s => s.Ladder.Count - 1).ToArray()));
        if (budget is { } limit && MinimumCost > limit)
            throw new ArgumentException($"the budget {limit:G4} ({limit / ReferenceCost:P1} of the reference) cannot be met: with every layer at the bottom of its ladder " +
                                        $"the model still costs {MinimumCost:G4} ({MinimumCost / ReferenceCost:P1})");
    }

    public ModelSpec Spec { get; }

    public double? Budget { get; }

    public double ReferenceCost { get; }

    public double MinimumCost { get; }

    /// <summary>The layers the agent decides for, in order (projections and attention layers).</summary>
    public IReadOnlyList<string> Layers => [.. _steps.Select(s => s.Layer)];

    /// <summary>A step's choices, largest first.</summary>
    public IReadOnlyList<string> Ladder(int step) => _steps[step].Ladder;

    public int Steps => _steps.Length;

    public int FeatureCount => Features;

    public double Cost(FormatPolicy policy) => _cost(policy);

    public IEpisode Begin() => new Episode(this);

    public FormatPolicy PolicyFor(IReadOnlyList<double> actions)
    {
        if (actions.Count != Steps) throw new ArgumentException($"expected {Steps} actions, got {actions.Count}");
        return PolicyOf([.. actions.Select((a, i) => Rung(a, _steps[i].Ladder.Count))]);
    }

    /// <summary>The policy of one rung per step (0: the top of the ladder).</summary>
    public FormatPolicy PolicyOf(IReadOnlyList<int> rungs)
    {
        var projections = new Dictionary<string, ProjectionFormat>();
        var caches = new Dictionary<string, KvCacheFormat>();
        for (int i = 0; i < _steps.Length; i++)
        {
            string choice = _steps[i].Ladder[rungs[i]];
            if (_steps[i].IsCache) caches[_steps[i].Layer] = KvCacheFormat.Parse(choice);
            else projections[_steps[i].Layer] = ProjectionFormat.Parse(choice);
        }
        return new FormatPolicy(projections, caches);
    }

    /// <summary>Equal buckets of [0, 1], the top rung at 1.</summary>
    public static int Rung(double action, int rungs) =>
        rungs - 1 - Math.Clamp((int)Math.Floor(Math.Clamp(double.IsNaN(action) ? 0 : action, 0, 1) * rungs), 0, rungs - 1);

    /// <summary>The action at the centre of a rung's bucket.</summary>
    public static double ActionOf(int rung, int rungs) => (rungs - 1 - rung + 0.5) / rungs;

    private sealed class Episode(FormatSpace space) : IEpisode
    {
        private readonly int[] _rungs = new int[space._steps.Length];
        private double _previous = 1.0;

        public int Step { get; private set; }

        public bool Limited { get; private set; }

        public float[] Observe()
        {
            if (Step >= space.Steps) throw new InvalidOperationException("the episode is over");
            return [.. space._steps[Step].Features, (float)_previous];
        }

        public double Act(double action)
        {
            if (Step >= space.Steps) throw new InvalidOperationException("the episode is over");
            int rungs = space._steps[Step].Ladder.Count;
            _rungs[Step] = Rung(action, rungs);
            _previous = ActionOf(_rungs[Step], rungs);
            Step++;
            return _previous;
        }

        public IReadOnlyList<double> Finish()
        {
            if (Step != space.Steps) throw new InvalidOperationException($"the episode has {space.Steps - Step} steps left");
            if (space.Budget is { } budget)
            {
                bool Fits() => space.Cost(space.PolicyOf(_rungs)) <= budget;
                while (!Fits())
                {
                    bool lowered = false;
                    for (int i = _rungs.Length - 1; i >= 0 && !Fits(); i--)
                        if (_rungs[i] < space._steps[i].Ladder.Count - 1) { _rungs[i]++; lowered = true; }
                    if (!lowered) break; // every layer at the bottom: the constructor made sure that fits
                    Limited = true;
                }
            }
            return [.. _rungs.Select((r, i) => ActionOf(r, space._steps[i].Ladder.Count))];
        }
    }
}
