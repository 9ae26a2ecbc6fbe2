using AutoDesign.HardwareProfiler.Costs;
using System.Collections.Concurrent;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Pruning;

namespace AutoDesign.Search.Architecture;

/// <summary>
/// The sub-networks of a once-for-all super-network as a <see cref="ChoiceSpace"/>: the decisions of
/// <see cref="SubnetSpace"/> (per block kernel and expansion, per stage depth). A vector is allowed when the
/// extracted sub-network's constrained cost (MACs, parameters, or latency or energy on a hardware target, of the
/// spec alone) is within the limit; costs are cached per canonical sub-network, so equal networks are costed once.
/// <see cref="Evaluate"/> gives the accuracy the supplied scorer measures (the sub-network with inherited weights,
/// batch norm re-estimated, on validation images) and every cost by name.
/// </summary>
public sealed class SupernetSpace : ChoiceSpace
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, double>> _costs;
    private readonly IReadOnlyList<CostMetric> _metrics;
    private readonly Func<SubnetChoice, double>? _accuracy;

    /// <param name="metrics">Every cost reported (the constrained one among them).</param>
    /// <param name="constraint">The name of the constrained metric, or null for none.</param>
    /// <param name="accuracy">Scores a sub-network; null for a space that only checks vectors (a validator's).</param>
    public SupernetSpace(SupernetLayout layout, IReadOnlyList<CostMetric> metrics, string? constraint = null, double? max = null,
        Func<SubnetChoice, double>? accuracy = null)
    {
        Subnets = new SubnetSpace(layout);
        _costs = new();
        _metrics = metrics;
        if (constraint is not null && metrics.All(m => m.Name != constraint))
            throw new ArgumentException($"the constrained metric '{constraint}' is not among the reported ones", nameof(constraint));
        Constraint = constraint;
        Max = max;
        _accuracy = accuracy;
        Decisions = Subnets.Decisions.Select(d => Decision.Numeric(d.Name, [.. d.Values.Select(v => (double)v)])).ToList();
    }

    private SupernetSpace(SupernetSpace other, Func<SubnetChoice, double> accuracy)
    {
        Subnets = other.Subnets;
        _costs = other._costs;
        _metrics = other._metrics;
        Constraint = other.Constraint;
        Max = other.Max;
        Decisions = other.Decisions;
        _accuracy = accuracy;
    }

    /// <summary>The same space and constraint with another scorer (a predictor's), sharing the costs measured so far.</summary>
    public SupernetSpace WithAccuracy(Func<SubnetChoice, double> accuracy) => new(this, accuracy);

    public SubnetSpace Subnets { get; }

    public string? Constraint { get; }

    public double? Max { get; }

    public override IReadOnlyList<Decision> Decisions { get; }

    public IReadOnlyList<string> MetricNames => _metrics.Select(m => m.Name).ToList();

    /// <summary>The constrained cost of the smallest sub-network: no limit below it can be met.</summary>
    public double? SmallestCost => Constraint is null ? null : Costs(Subnets.Encode(Subnets.Smallest))[Constraint];

    public SubnetChoice Choice(IReadOnlyList<int> choices) => Subnets.Decode(choices);

    /// <summary>Every reported cost of the sub-network, by metric name.</summary>
    public IReadOnlyDictionary<string, double> Costs(IReadOnlyList<int> choices)
    {
        var canonical = Subnets.Canonical(Subnets.Decode(choices));
        return _costs.GetOrAdd(ChoiceVector.Key(Subnets.Encode(canonical)), _ =>
        {
            var spec = SubnetExtraction.Spec(Subnets.Layout, canonical, "ofa-subnet");
            return _metrics.ToDictionary(m => m.Name, m => m.Of(spec));
        });
    }

    public override bool Allows(IReadOnlyList<int> choices) =>
        InRange(choices) && (Constraint is null || Max is not { } max || Costs(choices)[Constraint] <= max);

    public override ArchitectureScore Evaluate(IReadOnlyList<int> choices)
    {
        if (_accuracy is null) throw new InvalidOperationException("this super-network space only checks vectors: it has no scorer");
        return new ArchitectureScore(_accuracy(Subnets.Decode(choices)), Costs(choices));
    }

    /// <summary>A uniform draw, shrunk until allowed (<see cref="Repair"/>), so that a tight budget still samples at once.</summary>
    public override int[] Sample(SplitMix64 random)
    {
        var choices = Decisions.Select(d => random.NextInt(d.Choices.Count)).ToArray();
        return Repair(choices, random)
               ?? throw new InvalidOperationException(
                   $"no sub-network meets {Constraint} <= {Max:G6}: the smallest costs {SmallestCost:G6}");
    }

    /// <summary>
    /// Lowers one randomly chosen decision that is not at its smallest value at a time (a smaller kernel, expansion or
    /// depth never costs more) until the vector is allowed; null only when even the smallest sub-network is not.
    /// </summary>
    public override int[]? Repair(IReadOnlyList<int> choices, SplitMix64 random)
    {
        if (!InRange(choices)) return null;
        var repaired = choices.ToArray();
        while (!Allows(repaired))
        {
            var reducible = Enumerable.Range(0, repaired.Length).Where(i => repaired[i] > 0).ToList();
            if (reducible.Count == 0) return null;
            repaired[reducible[random.NextInt(reducible.Count)]]--;
        }
        return repaired;
    }
}
