namespace AutoDesign.Modeling.Specs;

/// <summary>Bit-widths of one layer's weights and of the activations it reads.</summary>
public readonly record struct Precision(int WeightBits, int ActivationBits)
{
    public static Precision Float32 { get; } = new(32, 32);

    public override string ToString() => $"W{WeightBits}A{ActivationBits}";
}

/// <summary>
/// Per-layer precision: a default for every layer with weights (W8A8, W4A4, float32...) and overrides by layer name.
/// A fixed-precision policy is simply one without overrides.
/// </summary>
public sealed record PrecisionPolicy(Precision Default, IReadOnlyDictionary<string, Precision> Layers)
{
    public const int MaxBits = 32;

    public static PrecisionPolicy Float32 { get; } = Uniform(32, 32);

    public static PrecisionPolicy Uniform(int weightBits, int activationBits) =>
        new(new Precision(weightBits, activationBits), new Dictionary<string, Precision>());

    public Precision For(string layer) => Layers.TryGetValue(layer, out var p) ? p : Default;

    /// <summary>Checks bit ranges and layer names against a spec; throws <see cref="ArgumentException"/> naming the culprit.</summary>
    public void Validate(ModelSpec spec)
    {
        Check("default", Default);
        foreach (var (layer, precision) in Layers)
        {
            var match = spec.Layers.FirstOrDefault(l => l.Name == layer)
                ?? throw new ArgumentException($"precision policy names layer '{layer}', which '{spec.Name}' does not have");
            if (!match.HasWeights) throw new ArgumentException($"precision policy sets bits for '{layer}', a {match.Op} layer without weights");
            Check(layer, precision);
        }
    }

    /// <summary>A stable short key for caching measurements.</summary>
    public string Key => Layers.Count == 0
        ? Default.ToString()
        : $"{Default}|{string.Join(",", Layers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value}"))}";

    private static void Check(string where, Precision p)
    {
        if (p.WeightBits is < 1 or > MaxBits) throw new ArgumentException($"{where}: weight bits must be between 1 and {MaxBits}, got {p.WeightBits}");
        if (p.ActivationBits is < 1 or > MaxBits) throw new ArgumentException($"{where}: activation bits must be between 1 and {MaxBits}, got {p.ActivationBits}");
    }
}
