namespace AutoDesign.Modeling.Specs;

/// <summary>
/// How large a network named or sent by a caller may be, so that one request cannot make the service allocate without
/// bound. The defaults hold the zoo's ImageNet models with room to spare; an operator changes them under
/// <c>AutoDesign:ModelLimits</c>.
/// </summary>
public sealed record ModelLimits
{
    public static ModelLimits Default { get; } = new();

    public int MaxLayers { get; init; } = 1_000;

    /// <summary>Output channels (or features) of one layer.</summary>
    public int MaxChannels { get; init; } = 16_384;

    public long MaxParameters { get; init; } = 500_000_000;

    /// <summary>Multiply-accumulates for one image.</summary>
    public long MaxMacs { get; init; } = 100_000_000_000;

    /// <summary>Values one layer outputs (or the input holds) for one image.</summary>
    public long MaxActivations { get; init; } = 50_000_000;

    /// <summary>Memory that training a network (or scoring its candidates) may take, by <see cref="TrainingBytes"/>'s estimate: 8 GiB.</summary>
    public long MaxTrainingBytes { get; init; } = 8L << 30;

    /// <summary>
    /// About what training takes at <paramref name="batch"/> images a step, in bytes of float32: the weights, their
    /// gradients and two optimizer moments, and every layer's output kept for the backward pass with its gradient.
    /// </summary>
    public static long TrainingBytes(ModelAnalysis analysis, int batch) =>
        4 * (4 * analysis.Params + 2L * batch * analysis.Layers.Sum(l => l.OutputShape.Elements));

    /// <summary>Null when training at <paramref name="batch"/> fits <see cref="MaxTrainingBytes"/>, else why not.</summary>
    public string? TrainingTooLarge(ModelAnalysis analysis, int batch)
    {
        long bytes = TrainingBytes(analysis, batch);
        return bytes <= MaxTrainingBytes ? null
            : $"training it at {batch} images a step takes about {bytes / (1 << 20):N0} MiB; the service allows {MaxTrainingBytes / (1 << 20):N0} MiB (ModelLimits:MaxTrainingBytes)";
    }

    /// <summary>The spec's analysis; a <see cref="ModelSpecException"/> naming the layer (or field) when the spec is over a limit.</summary>
    public ModelAnalysis Check(ModelSpec spec)
    {
        if (spec.Layers.Count > MaxLayers) throw new ModelSpecException("layers", $"has {spec.Layers.Count:N0} layers; at most {MaxLayers:N0} are allowed");
        if (spec.Input.Shape.Elements > MaxActivations)
            throw new ModelSpecException("input", $"holds {spec.Input.Shape.Elements:N0} values per image; at most {MaxActivations:N0} are allowed");
        for (int i = 0; i < spec.Layers.Count; i++)
            if (spec.Layers[i].Out > MaxChannels)
                throw new ModelSpecException($"layers[{i}].out", $"layer '{spec.Layers[i].Name}' has {spec.Layers[i].Out:N0} outputs; at most {MaxChannels:N0} are allowed");

        var analysis = spec.Analyze();
        for (int i = 0; i < analysis.Layers.Count; i++)
            if (analysis.Layers[i].OutputShape.Elements > MaxActivations)
                throw new ModelSpecException(Field(spec, analysis.Layers[i].Name), $"layer '{analysis.Layers[i].Name}' outputs {analysis.Layers[i].OutputShape.Elements:N0} values per image; at most {MaxActivations:N0} are allowed");
        if (analysis.Params > MaxParameters) throw OverTotal(spec, analysis, "parameters", analysis.Params, MaxParameters, l => l.Params);
        if (analysis.Macs > MaxMacs) throw OverTotal(spec, analysis, "multiply-accumulates per image", analysis.Macs, MaxMacs, l => l.Macs);
        return analysis;
    }

    private static ModelSpecException OverTotal(ModelSpec spec, ModelAnalysis analysis, string what, long total, long limit, Func<LayerSummary, long> of)
    {
        var largest = analysis.Layers.MaxBy(of)!;
        return new ModelSpecException(Field(spec, largest.Name),
            $"the network has {total:N0} {what} (layer '{largest.Name}' alone {of(largest):N0}); at most {limit:N0} are allowed");
    }

    private static string Field(ModelSpec spec, string layer) => $"layers[{spec.Layers.ToList().FindIndex(l => l.Name == layer)}]";
}
