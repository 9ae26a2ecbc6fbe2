using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.Modeling.Specs;
using AutoDesign.Search.Agents;

namespace AutoDesign.Search.Pruning;

/// <summary>
/// AMC's environment over a model's prunable channel groups, in network order. At each step the agent sees the
/// group's layer features and the FLOPs removed so far and still to come, and proposes a keep ratio in
/// [lower bound, 1]; the ratio is rounded to an allowed channel count (up, as AMC does, unless told otherwise) and, under a budget, lowered further
/// until the budget can still be met with every later group at its lower bound, so every finished episode
/// meets the budget.
/// </summary>
public sealed class PruningSpace : ISequentialSpace
{
    public const int Features = 11;

    private readonly ChannelGroup[] _groups;
    private readonly ChannelGrid[] _grids;
    private readonly float[][] _staticFeatures;
    private readonly double[] _groupMacs;
    private readonly PrunedCost _cost;

    public PruningSpace(ModelSpec spec, double lowerBound = 0.2, int channelMultiple = 8, CostMetric? metric = null, double? budget = null,
        ChannelRounding rounding = ChannelRounding.Up)
    {
        Rounding = rounding;
        metric ??= CostMetric.Flops;
        if (lowerBound is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(lowerBound), $"must be in (0, 1], got {lowerBound}");
        Spec = spec;
        var analysis = spec.Analyze();
        _groups = [.. analysis.ChannelGroups.Where(g => g.Prunable)];
        if (_groups.Length == 0) throw new ArgumentException($"model '{spec.Name}' has no prunable channel group");
        _grids = [.. _groups.Select(g => new ChannelGrid(g.Channels, channelMultiple, lowerBound, g.Block))];
        _cost = new PrunedCost(spec, _groups);
        LowerBound = lowerBound;
        Metric = metric;
        Budget = budget;
        BaseMacs = analysis.Macs;
        BaseCost = metric.Of(spec);
        _groupMacs = [.. _groups.Select(g => g.Producers.Concat(g.Followers).Sum(l => (double)analysis[l].Macs))];
        _staticFeatures = StaticFeatures(analysis);
        MinimumCost = Cost(_grids.Select(g => g.Minimum).ToArray());
        if (budget is { } limit && MinimumCost > limit)
            throw new ArgumentException(
                $"the budget of {limit:N} {metric.Unit} ({limit / BaseCost:P1} of the model) cannot be met: with every prunable " +
                $"layer at the lower bound {lowerBound} the model still costs {MinimumCost:N} ({MinimumCost / BaseCost:P1})");
    }

    public ModelSpec Spec { get; }

    public double LowerBound { get; }

    public ChannelRounding Rounding { get; }

    public CostMetric Metric { get; }

    /// <summary>The most the constrained metric may reach, or null in accuracy-guaranteed mode.</summary>
    public double? Budget { get; }

    public double BaseCost { get; }

    public double BaseMacs { get; }

    public double MinimumCost { get; }

    public IReadOnlyList<ChannelGroup> Groups => _groups;

    public int Steps => _groups.Length;

    public int FeatureCount => Features;

    public IEpisode Begin() => new Episode(this);

    /// <summary>The policy that keeps round(action x channels) channels per group (actions as an episode took them).</summary>
    public PruningPolicy PolicyFor(IReadOnlyList<double> actions)
    {
        if (actions.Count != Steps) throw new ArgumentException($"expected {Steps} actions, got {actions.Count}");
        return new PruningPolicy(_groups.Select((g, i) => (PruningPolicy.KeyOf(g), g.Snap(actions[i] * g.Channels)))
            .ToDictionary(p => p.Item1, p => p.Item2));
    }

    /// <summary>The constrained metric of the model with these channel counts (one per group, in order).</summary>
    public double Cost(IReadOnlyList<int> counts)
    {
        if (Metric is not CostMetric.Counted || Metric == CostMetric.Size) return Metric.Of(Narrowed(counts));
        var (macs, parameters) = _cost.Of(counts);
        return Metric == CostMetric.Params ? parameters : macs;
    }

    public long Macs(IReadOnlyList<int> counts) => _cost.Of(counts).Macs;

    public ModelAnalysis Analyze(IReadOnlyList<int> counts) => Narrowed(counts).Analyze();

    /// <summary>The spec with these channel counts (one per group, in order).</summary>
    public ModelSpec Narrowed(IReadOnlyList<int> counts) =>
        new PruningPolicy(_groups.Select((g, i) => (PruningPolicy.KeyOf(g), counts[i])).ToDictionary(p => p.Item1, p => p.Item2)).ApplyTo(Spec);

    /// <summary>The channel counts a policy keeps, one per group in order.</summary>
    public int[] CountsOf(PruningPolicy policy) => [.. _groups.Select(g => policy.Keep.TryGetValue(PruningPolicy.KeyOf(g), out int c) ? c : g.Channels)];

    private float[][] StaticFeatures(ModelAnalysis analysis)
    {
        // AMC's per-layer description of each group's first producer, each column min-max normalised over the groups.
        var raw = _groups.Select((g, i) =>
        {
            var layer = analysis[PruningPolicy.KeyOf(g)];
            return new double[] { i, g.Channels, layer.InChannels, layer.InputShape.Height, layer.InputShape.Width, layer.Stride, layer.Kernel, _groupMacs[i] };
        }).ToArray();
        return FeatureScaling.MinMax(raw);
    }

    private sealed class Episode(PruningSpace space) : IEpisode
    {
        private readonly int[] _counts = [.. space._groups.Select(g => g.Channels)];
        private readonly List<double> _taken = [];
        private double _previous = 1.0;

        public int Step { get; private set; }

        public bool Limited { get; private set; }

        public float[] Observe()
        {
            if (Step >= space.Steps) throw new InvalidOperationException("the episode is over");
            double done = space.BaseMacs - space.Macs(_counts);
            double rest = space._groupMacs.Skip(Step + 1).Sum();
            return [.. space._staticFeatures[Step], (float)(done / space.BaseMacs), (float)(rest / space.BaseMacs), (float)_previous];
        }

        public double Act(double action)
        {
            if (Step >= space.Steps) throw new InvalidOperationException("the episode is over");
            var grid = space._grids[Step];
            double ratio = double.IsNaN(action) ? 1 : Math.Clamp(action, space.LowerBound, 1.0);
            int count = grid.Round(ratio * grid.Channels, space.Rounding);
            if (space.Budget is { } budget && !Fits(count, budget))
            {
                Limited = true;
                count = LargestFitting(grid, count, budget);
            }
            _counts[Step] = count;
            _previous = (double)count / grid.Channels;
            _taken.Add(_previous);
            Step++;
            return _previous;
        }

        public IReadOnlyList<double> Finish() => Step == space.Steps ? _taken : throw new InvalidOperationException($"the episode has {space.Steps - Step} steps left");

        // Can the budget still be met if this group keeps `count` and every later group drops to its minimum?
        private bool Fits(int count, double budget)
        {
            var trial = (int[])_counts.Clone();
            trial[Step] = count;
            for (int later = Step + 1; later < trial.Length; later++) trial[later] = space._grids[later].Minimum;
            return space.Cost(trial) <= budget;
        }

        private int LargestFitting(ChannelGrid grid, int upTo, double budget)
        {
            var options = grid.Counts.Where(c => c <= upTo).ToArray();
            int low = 0, high = options.Length - 1; // options[0] (the minimum) always fits: the constructor checked
            while (low < high)
            {
                int mid = (low + high + 1) / 2;
                if (Fits(options[mid], budget)) low = mid;
                else high = mid - 1;
            }
            return options[low];
        }
    }
}
