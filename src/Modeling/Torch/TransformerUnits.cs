using AutoDesign.Modeling.Quantization;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Torch;

/// <summary>
/// A linear map applied at every position of a (B, C, H, W) map; weights are stored as a linear layer's
/// ("fc.weight" out x in, "fc.bias") and run as a 1x1 convolution, so a sequence never leaves the map layout.
/// </summary>
internal sealed class ProjectionUnit : Module<Tensor, Tensor>, IQuantizable
{
    private readonly Linear fc;
    private readonly Activation _activation;

    public ProjectionUnit(LayerSpec layer, LayerSummary shape) : base(layer.Name)
    {
        fc = nn.Linear(shape.InChannels, shape.OutChannels);
        _activation = layer.Activation;
        RegisterComponents();
    }

    public LayerQuantization? Quantization { get; set; }

    /// <summary>The layer in a serving format (null: float, or the fake quantization above).</summary>
    public QuantizedProjection? Format { get; set; }

    public Tensor Weight => fc.weight!;

    public Tensor? Bias => fc.bias;

    public override Tensor forward(Tensor input)
    {
        if (Format is not null) return LayerUnits.Activate(Format.Project(input), _activation);
        var (x, weight) = Quantization is { } q
            ? (FakeQuantize.Activations(input, q.ActivationBits, q.ActivationClip, q.SignedInput), FakeQuantize.Weights(fc.weight!, q.WeightBits))
            : (input, fc.weight!);
        return LayerUnits.Activate(Apply(x, weight, fc.bias), _activation);
    }

    /// <summary>y[:, o, h, w] = sum_i weight[o, i] x[:, i, h, w] + bias[o].</summary>
    public static Tensor Apply(Tensor x, Tensor weight, Tensor? bias) => F.conv2d(x, weight.view(weight.shape[0], weight.shape[1], 1, 1), bias);
}

/// <summary>Token ids (B, 1, 1, T), or (B, T), to a (B, D, 1, T) map of their learned vectors ("embedding.weight", vocabulary x D).</summary>
internal sealed class EmbeddingUnit : Module<Tensor, Tensor>
{
    private readonly Embedding embedding;

    public EmbeddingUnit(LayerSpec layer, LayerSummary shape) : base(layer.Name)
    {
        embedding = nn.Embedding(shape.InChannels, shape.OutChannels);
        nn.init.normal_(embedding.weight!, 0, 0.02);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => Lookup(input, embedding.weight!);

    public static Tensor Lookup(Tensor ids, Tensor table)
    {
        var flat = ids.reshape(ids.shape[0], -1);
        if (flat.dtype != ScalarType.Int64) flat = flat.to_type(ScalarType.Int64); // ids sent as floats are exact below 2^24
        return table.index_select(0, flat.flatten()).reshape(flat.shape[0], flat.shape[1], -1).permute(0, 2, 1).unsqueeze(2);
    }
}

/// <summary>A learned value for every channel and position, added to the map ("weight", C x H x W).</summary>
internal sealed class PositionEmbeddingUnit : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Activation _activation;

    public PositionEmbeddingUnit(LayerSpec layer, LayerSummary shape) : base(layer.Name)
    {
        var map = shape.InputShape;
        weight = nn.Parameter(normal(0, 0.02, [map.Channels, map.Height, map.Width]));
        _activation = layer.Activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => LayerUnits.Activate(input + weight, _activation);
}

/// <summary>RMS norm over the channels at each position, with a learned scale per channel ("weight").</summary>
internal sealed class RmsNormUnit : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _epsilon;
    private readonly Activation _activation;

    public RmsNormUnit(LayerSpec layer, LayerSummary shape) : base(layer.Name)
    {
        weight = nn.Parameter(ones(shape.OutChannels));
        _epsilon = layer.EffectiveEpsilon;
        _activation = layer.Activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => LayerUnits.Activate(Normalise(input, weight, _epsilon), _activation);

    public static Tensor Normalise(Tensor input, Tensor weight, double epsilon) =>
        input * (input.square().mean([1], keepdim: true) + epsilon).rsqrt() * weight.reshape(1, -1, 1, 1);
}

/// <summary>
/// Multi-head scaled dot-product attention over the positions of (B, C, H, W) maps, as <see cref="LayerOp.Attention"/>
/// describes it: softmax(Q K^T / sqrt(size)) V per head, by LibTorch's fused kernel.
/// </summary>
public static class AttentionKernel
{
    /// <summary>Rotary embedding's base: channel pair i of a head turns by position x base^(-2i / size) (RoFormer, Llama).</summary>
    public const double RotaryBase = 10_000;

    /// <param name="cache">How the keys and values are stored between steps (null: as computed).</param>
    /// <param name="heads">Each key/value head's pattern, its query heads' too (null: all dense).</param>
    /// <param name="chooser">Chooses the patterns from this call's heads, in place of <paramref name="heads"/> (null: none).</param>
    public static Tensor Attend(LayerSpec layer, Tensor queries, Tensor keys, Tensor values, KvCacheQuantizer? cache = null, IReadOnlyList<HeadPattern>? heads = null,
        IHeadChooser? chooser = null)
    {
        long batch = queries.shape[0], height = queries.shape[2], width = queries.shape[3];
        long size = layer.HeadSize!.Value;
        var q = Heads(queries, size); // (B, heads, P, size)
        var k = Heads(keys, size);
        var v = Heads(values, size);
        if (layer.Rotary)
        {
            q = Rotate(q);
            k = Rotate(k);
        }
        if (cache is not null) (q, k, v) = cache.Apply(q, k, v);
        long share = q.shape[1] / k.shape[1]; // query heads per key/value head: query head h reads key head h / share
        if (share > 1)
        {
            k = k.repeat_interleave(share, dim: 1);
            v = v.repeat_interleave(share, dim: 1);
        }
        if (chooser is not null) heads = chooser.Choose(layer.Name, q, k, v, (int)share, (int)height, (int)width, layer.Causal);
        var output = heads is null || heads.All(h => h is DensePattern)
            ? F.scaled_dot_product_attention(q, k, v, is_casual: layer.Causal) // (B, heads, P, size)
            : Sparse(heads, q, k, v, share, (int)height, (int)width, layer.Causal);
        return output.transpose(2, 3).reshape(batch, -1, height, width);
    }

    // Each pattern's heads computed together and put back in place; keys and values come expanded to the query heads.
    private static Tensor Sparse(IReadOnlyList<HeadPattern> heads, Tensor q, Tensor k, Tensor v, long share, int frames, int perFrame, bool causal)
    {
        if (heads.Count * share != q.shape[1]) throw new ArgumentException($"{heads.Count} head patterns for {q.shape[1] / share} key/value heads");
        var output = empty_like(q);
        foreach (var group in Enumerable.Range(0, heads.Count).GroupBy(h => heads[h]))
        {
            var queryHeads = tensor(group.SelectMany(h => Enumerable.Range(h * (int)share, (int)share)).Select(h => (long)h).ToArray(), device: q.device);
            var part = SparseAttention.Attend(group.Key, q.index_select(1, queryHeads), k.index_select(1, queryHeads), v.index_select(1, queryHeads), frames, perFrame, causal);
            output.index_copy_(1, queryHeads, part);
        }
        return output;
    }

    private static Tensor Heads(Tensor map, long size) =>
        map.reshape(map.shape[0], map.shape[1] / size, size, -1).transpose(2, 3);

    // Channel i of each head turns with channel i + size/2 by position x theta_i.
    private static Tensor Rotate(Tensor x)
    {
        long positions = x.shape[2], half = x.shape[3] / 2;
        var theta = pow(RotaryBase, -arange(0, half, dtype: ScalarType.Float64, device: x.device) / half);
        var angles = arange(0, positions, dtype: ScalarType.Float64, device: x.device).outer(theta).to_type(x.dtype); // (P, half)
        var (cos, sin) = (angles.cos(), angles.sin());
        var first = x.narrow(-1, 0, half);
        var second = x.narrow(-1, half, half);
        return cat([first * cos - second * sin, first * sin + second * cos], -1);
    }
}
