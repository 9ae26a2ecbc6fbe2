using System.Security.Cryptography;
using System.Text;

namespace AutoDesign.Modeling.Specs;

/// <summary>
/// A network described as data: an image input, a list of layers in execution order (each naming its inputs,
/// so residual joins are explicit) and a class count. It is what pruning, quantization and architecture search
/// rewrite, and what <see cref="Torch.SpecNetwork"/> turns into a TorchSharp module.
/// </summary>
public sealed record ModelSpec
{
    public required string Name { get; init; }

    public required InputSpec Input { get; init; }

    public required int Classes { get; init; }

    public required IReadOnlyList<LayerSpec> Layers { get; init; }

    /// <summary>Validates the spec and derives shapes, MACs, parameters and channel ties; throws <see cref="ModelSpecException"/>.</summary>
    public ModelAnalysis Analyze() => ModelAnalyzer.Analyze(this);

    public LayerSpec Layer(string name) =>
        Layers.FirstOrDefault(l => l.Name == name) ?? throw new KeyNotFoundException($"no layer named '{name}' in model '{Name}'");

    /// <summary>The names of the layers a layer reads (resolving the implicit "previous layer"); empty means the network input.</summary>
    public IReadOnlyList<string> InputsOf(int index) =>
        Layers[index].Inputs ?? (index == 0 ? [] : [Layers[index - 1].Name]);

    /// <summary>A short, stable hash of the spec's canonical JSON: equal specs share cached weights and measurements.</summary>
    public string ContentHash()
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(ModelSpecJson.Serialize(this, indented: false)));
        return Convert.ToHexStringLower(bytes)[..16];
    }

    public bool StructurallyEquals(ModelSpec other) =>
        ModelSpecJson.Serialize(this, indented: false) == ModelSpecJson.Serialize(other, indented: false);
}
