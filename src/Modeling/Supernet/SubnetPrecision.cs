using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// The bits of a sub-network's layers in a joint architecture and precision space (APQ): for every block of the
/// super-network its expansion, depthwise and projection convolutions, then the head convolution, each with weight and
/// activation bits. The stem and the classifier keep <see cref="KeptBits"/>, as HAQ keeps the first and last layer.
/// A block that its stage's depth leaves out keeps its entries, but nothing reads them.
/// </summary>
public sealed record SubnetPrecision(IReadOnlyList<Precision> Layers)
{
    public const int KeptBits = 8;

    public static readonly IReadOnlyList<string> BlockLayers = ["_expand", "_dw", "_project"];

    public const string Head = "head";

    /// <summary>Every layer whose bits are chosen, in the order of <see cref="Layers"/>.</summary>
    public static IReadOnlyList<string> LayerNames(SupernetLayout layout)
    {
        var names = new List<string>();
        for (int s = 0; s < layout.Stages.Count; s++)
            for (int b = 0; b < layout.Stages[s].MaxDepth; b++)
                names.AddRange(BlockLayers.Select(suffix => SuperNetwork.BlockName(s, b) + suffix));
        names.Add(Head);
        return names;
    }

    public static SubnetPrecision Uniform(SupernetLayout layout, int weightBits, int activationBits) =>
        new(LayerNames(layout).Select(_ => new Precision(weightBits, activationBits)).ToList());

    /// <summary>Whether each entry of <see cref="Layers"/> is a layer of the sub-network <paramref name="choice"/>.</summary>
    public static bool[] Active(SupernetLayout layout, SubnetChoice choice)
    {
        var active = new List<bool>();
        for (int s = 0; s < layout.Stages.Count; s++)
            for (int b = 0; b < layout.Stages[s].MaxDepth; b++)
                active.AddRange(BlockLayers.Select(_ => b < choice.Depths[s]));
        active.Add(true);
        return [.. active];
    }

    /// <summary>The precision policy of the extracted sub-network (<see cref="SubnetExtraction.Spec"/>'s layer names).</summary>
    public PrecisionPolicy Policy(SupernetLayout layout, SubnetChoice choice)
    {
        var names = LayerNames(layout);
        if (Layers.Count != names.Count)
            throw new ArgumentException($"a sub-network of this super-network has {names.Count} quantized layers, got bits for {Layers.Count}");
        var active = Active(layout, choice);
        return new PrecisionPolicy(new Precision(KeptBits, KeptBits),
            names.Select((name, i) => (name, i)).Where(p => active[p.i]).ToDictionary(p => p.name, p => Layers[p.i]));
    }
}
