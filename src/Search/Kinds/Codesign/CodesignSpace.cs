using System.Collections.Concurrent;
using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Architecture;

namespace AutoDesign.Search.Kinds.Codesign;

/// <summary>
/// APQ's joint space as a <see cref="ChoiceSpace"/>: the super-network's decisions (per block kernel and expansion,
/// per stage depth) followed by every quantized layer's weight and activation bits (<see cref="SubnetPrecision"/>).
/// A vector is allowed when the design's constrained cost (the extracted sub-network at its bits) is within the
/// limit. Costs are cached per canonical design: blocks a depth leaves out, and their bits, do not count.
/// </summary>
public sealed class CodesignSpace : ChoiceSpace
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, double>> _costs = new();
    private readonly IReadOnlyList<CostMetric> _metrics;
    private readonly Func<SubnetChoice, SubnetPrecision, double>? _accuracy;
    private readonly int _architecture;
    private readonly IReadOnlyList<string> _layers;

    /// <param name="metrics">Every cost reported; the constrained one among them when there is a <paramref name="max"/>.</param>
    /// <param name="accuracy">Scores a design; null for a space that only checks or decodes vectors.</param>
    public CodesignSpace(SupernetLayout layout, IReadOnlyList<int> bits, IReadOnlyList<CostMetric> metrics, string constraint, double? max,
        Func<SubnetChoice, SubnetPrecision, double>? accuracy = null)
    {
        if (max is not null && metrics.All(m => m.Name != constraint)) throw new ArgumentException($"the constrained metric '{constraint}' is not among the reported ones", nameof(constraint));
        if (bits.Count == 0) throw new ArgumentException("a layer needs at least one bit-width to choose from", nameof(bits));
        Subnets = new SubnetSpace(layout);
        Bits = bits;
        _metrics = metrics;
        Constraint = constraint;
        Max = max;
        _accuracy = accuracy;
        _architecture = Subnets.Decisions.Count;
        _layers = SubnetPrecision.LayerNames(layout);
        var bitChoices = bits.Select(b => (double)b).ToArray();
        Decisions =
        [
            .. Subnets.Decisions.Select(d => Decision.Numeric(d.Name, [.. d.Values.Select(v => (double)v)])),
            .. _layers.SelectMany(l => new[] { Decision.Numeric($"{l}.wbits", bitChoices), Decision.Numeric($"{l}.abits", bitChoices) }),
        ];
    }

    private CodesignSpace(CodesignSpace other, Func<SubnetChoice, SubnetPrecision, double> accuracy)
    {
        Subnets = other.Subnets;
        Bits = other.Bits;
        _costs = other._costs;
        _metrics = other._metrics;
        Constraint = other.Constraint;
        Max = other.Max;
        _architecture = other._architecture;
        _layers = other._layers;
        Decisions = other.Decisions;
        _accuracy = accuracy;
    }

    /// <summary>The same space and constraint with another scorer (a predictor's), sharing the costs computed so far.</summary>
    public CodesignSpace WithAccuracy(Func<SubnetChoice, SubnetPrecision, double> accuracy) => new(this, accuracy);

    public SubnetSpace Subnets { get; }

    public IReadOnlyList<int> Bits { get; }

    public string Constraint { get; }

    public double? Max { get; }

    public override IReadOnlyList<Decision> Decisions { get; }

    public IReadOnlyList<string> MetricNames => _metrics.Select(m => m.Name).ToList();

    public SupernetLayout Layout => Subnets.Layout;

    /// <summary>The design of a vector: its sub-network and its layers' bits.</summary>
    public (SubnetChoice Choice, SubnetPrecision Bits) Design(IReadOnlyList<int> choices)
    {
        var choice = Subnets.Decode([.. choices.Take(_architecture)]);
        var precision = new SubnetPrecision(_layers.Select((_, i) => new Precision(Bits[choices[_architecture + 2 * i]], Bits[choices[_architecture + 2 * i + 1]])).ToList());
        return (choice, precision);
    }

    /// <summary>The vector of a design.</summary>
    public int[] Encode(SubnetChoice choice, SubnetPrecision bits) =>
    [
        .. Subnets.Encode(choice),
        .. bits.Layers.SelectMany(p => new[] { IndexOfBits(p.WeightBits), IndexOfBits(p.ActivationBits) }),
    ];

    /// <summary>The vector of the same network with what its depths leave out at the first choice, so equal designs compare equal.</summary>
    public int[] Canonical(IReadOnlyList<int> choices)
    {
        var (choice, _) = Design(choices);
        var canonical = choices.ToArray();
        Subnets.Encode(Subnets.Canonical(choice)).CopyTo(canonical, 0);
        var active = SubnetPrecision.Active(Layout, choice);
        for (int i = 0; i < active.Length; i++)
            if (!active[i]) canonical[_architecture + 2 * i] = canonical[_architecture + 2 * i + 1] = 0;
        return canonical;
    }

    /// <summary>The extracted sub-network's spec and the precision policy of its layers.</summary>
    public (ModelSpec Spec, PrecisionPolicy Policy) Network(IReadOnlyList<int> choices, string name = "apq-subnet")
    {
        var (choice, bits) = Design(choices);
        return (SubnetExtraction.Spec(Layout, Subnets.Canonical(choice), name), bits.Policy(Layout, choice));
    }

    /// <summary>Every reported cost of the design at its bits, by metric name.</summary>
    public IReadOnlyDictionary<string, double> Costs(IReadOnlyList<int> choices) =>
        _costs.GetOrAdd(ChoiceVector.Key(Canonical(choices)), _ =>
        {
            var (spec, policy) = Network(choices);
            return _metrics.ToDictionary(m => m.Name, m => m.Of(spec, policy));
        });

    public override bool Allows(IReadOnlyList<int> choices) => InRange(choices) && (Max is not { } max || Costs(choices)[Constraint] <= max);

    public override ArchitectureScore Evaluate(IReadOnlyList<int> choices)
    {
        if (_accuracy is null) throw new InvalidOperationException("this space only checks vectors: it has no scorer");
        var (choice, bits) = Design(choices);
        return new ArchitectureScore(_accuracy(choice, bits), Costs(choices));
    }

    /// <summary>A uniform draw, shrunk until allowed (<see cref="Repair"/>).</summary>
    public override int[] Sample(SplitMix64 random)
    {
        var choices = Decisions.Select(d => random.NextInt(d.Choices.Count)).ToArray();
        return Repair(choices, random) ?? throw new InvalidOperationException($"no design meets {Constraint} <= {Max:G6}");
    }

    /// <summary>
    /// Lowers one randomly chosen decision that is not at its first choice and that the network has (a smaller kernel,
    /// expansion, depth or bit-width never costs more) until the vector is allowed; null when nothing is left to lower.
    /// </summary>
    public override int[]? Repair(IReadOnlyList<int> choices, SplitMix64 random)
    {
        if (!InRange(choices)) return null;
        var repaired = choices.ToArray();
        while (!Allows(repaired))
        {
            var active = SubnetPrecision.Active(Layout, Design(repaired).Choice);
            var reducible = Enumerable.Range(0, repaired.Length).Where(i => repaired[i] > 0 && InNetwork(i, active)).ToList();
            if (reducible.Count == 0) return null;
            repaired[reducible[random.NextInt(reducible.Count)]]--;
        }
        return repaired;
    }

    // Blocks come first (kernel and expansion each), then the depths, then two bit decisions per layer, three layers a block.
    private bool InNetwork(int decision, bool[] active) =>
        decision < 2 * Layout.BlockCount ? active[3 * (decision / 2)] : decision < _architecture || active[(decision - _architecture) / 2];

    private int IndexOfBits(int bits)
    {
        for (int i = 0; i < Bits.Count; i++)
            if (Bits[i] == bits) return i;
        throw new ArgumentException($"{bits} bits is not one of {string.Join(", ", Bits)}");
    }
}
