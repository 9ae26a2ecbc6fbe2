using AutoDesign.Modeling.Quantization;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Torch;

/// <summary>The TorchSharp module for one layer with weights or a window; joins (add, concat, mul, attention) need none.</summary>
internal static class LayerUnits
{
    /// <summary>Batch norm's epsilon (PyTorch's default), needed to fold it into a conv on export.</summary>
    public const double BatchNormEpsilon = 1e-5;

    public static Module<Tensor, Tensor>? Create(LayerSpec layer, LayerSummary shape) => layer.Op switch
    {
        LayerOp.Conv or LayerOp.DepthwiseConv => new ConvUnit(layer, shape),
        LayerOp.Linear => new LinearUnit(layer, shape),
        LayerOp.MaxPool => new PoolUnit(layer, max: true),
        LayerOp.AvgPool => new PoolUnit(layer, max: false),
        LayerOp.GlobalAvgPool => new GlobalAvgPoolUnit(layer.Name, layer.Activation),
        LayerOp.LastRow => new LastRowUnit(layer.Name, layer.Activation),
        LayerOp.Upsample => new UpsampleUnit(layer),
        LayerOp.LayerNorm => new LayerNormUnit(layer, shape),
        LayerOp.RmsNorm => new RmsNormUnit(layer, shape),
        LayerOp.Projection => new ProjectionUnit(layer, shape),
        LayerOp.Embedding => new EmbeddingUnit(layer, shape),
        LayerOp.PositionEmbedding => new PositionEmbeddingUnit(layer, shape),
        _ => null,
    };

    /// <summary>What a join layer (add, concat, mul, attention) computes from its inputs, before its activation.</summary>
    public static Tensor Join(LayerSpec layer, IReadOnlyList<Tensor> inputs, KvCacheQuantizer? cache = null, IReadOnlyList<HeadPattern>? heads = null,
        IHeadChooser? chooser = null)
    {
        switch (layer.Op)
        {
            case LayerOp.Attention:
                return AttentionKernel.Attend(layer, inputs[0], inputs[1], inputs[2], cache, heads, chooser);
            case LayerOp.Concat:
                return cat([.. inputs], 1);
            case LayerOp.Mul:
            {
                var (map, gate) = (inputs[0], inputs[1]);
                while (gate.dim() < map.dim()) gate = gate.unsqueeze(-1); // one value per channel, broadcast over the map
                return map * gate;
            }
            default:
            {
                var sum = inputs[0] + inputs[1];
                for (int k = 2; k < inputs.Count; k++) sum = sum + inputs[k];
                return sum;
            }
        }
    }

    public static Tensor Activate(Tensor x, Activation activation) => activation switch
    {
        Activation.Relu => F.relu(x),
        Activation.Relu6 => F.relu6(x),
        Activation.Sigmoid => F.sigmoid(x),
        Activation.HardSigmoid => F.hardsigmoid(x),
        Activation.HardSwish => F.hardswish(x),
        Activation.Silu => F.silu(x),
        Activation.Gelu => F.gelu(x),
        Activation.GeluTanh => F.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        _ => x,
    };
}

/// <summary>Convolution, then batch norm, then activation; weights are stored as "conv.weight", "bn.running_mean"...</summary>
internal sealed class ConvUnit : Module<Tensor, Tensor>, IQuantizable
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d? bn;
    private readonly Activation _activation;
    private readonly long _stride, _padding, _groups;

    public ConvUnit(LayerSpec layer, LayerSummary shape) : base(layer.Name)
    {
        _stride = layer.Stride;
        _padding = layer.EffectivePadding;
        _groups = shape.Groups;
        conv = nn.Conv2d(shape.InChannels, shape.OutChannels, layer.Kernel, stride: layer.Stride,
            padding: layer.EffectivePadding, groups: shape.Groups, bias: !layer.BatchNorm);
        nn.init.kaiming_normal_(conv.weight, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
        if (layer.BatchNorm) bn = nn.BatchNorm2d(shape.OutChannels, eps: LayerUnits.BatchNormEpsilon);
        _activation = layer.Activation;
        RegisterComponents();
    }

    public Conv2d Conv => conv;

    public BatchNorm2d? BatchNorm => bn;

    public LayerQuantization? Quantization { get; set; }

    public override Tensor forward(Tensor input)
    {
        // Quantized: the input and the conv's weights are quantize-dequantized; batch norm stays in float (it folds into the conv on export).
        var x = Quantization is { } q
            ? F.conv2d(FakeQuantize.Activations(input, q.ActivationBits, q.ActivationClip, q.SignedInput), FakeQuantize.Weights(conv.weight!, q.WeightBits),
                conv.bias, strides: [_stride, _stride], padding: [_padding, _padding], groups: _groups)
            : conv.forward(input);
        if (bn is not null) x = bn.forward(x);
        return LayerUnits.Activate(x, _activation);
    }
}

/// <summary>A fully connected layer; a feature-map input is flattened in (C, H, W) order first.</summary>
internal sealed class LinearUnit : Module<Tensor, Tensor>, IQuantizable
{
    private readonly Linear fc;
    private readonly Activation _activation;

    public LinearUnit(LayerSpec layer, LayerSummary shape) : base(layer.Name)
    {
        fc = nn.Linear(shape.InChannels, shape.OutChannels);
        _activation = layer.Activation;
        RegisterComponents();
    }

    public Linear Fc => fc;

    public LayerQuantization? Quantization { get; set; }

    public override Tensor forward(Tensor input)
    {
        var x = input.dim() > 2 ? input.flatten(1) : input;
        var y = Quantization is { } q
            ? F.linear(FakeQuantize.Activations(x, q.ActivationBits, q.ActivationClip, q.SignedInput), FakeQuantize.Weights(fc.weight!, q.WeightBits), fc.bias)
            : fc.forward(x);
        return LayerUnits.Activate(y, _activation);
    }
}

internal sealed class PoolUnit(LayerSpec layer, bool max) : Module<Tensor, Tensor>(layer.Name)
{
    private readonly long _kernel = layer.Kernel, _stride = layer.Stride, _padding = layer.EffectivePadding;
    private readonly Activation _activation = layer.Activation;

    public override Tensor forward(Tensor input) => LayerUnits.Activate(max
        ? F.max_pool2d(input, _kernel, _stride, _padding)
        : F.avg_pool2d(input, _kernel, _stride, _padding), _activation);
}

internal sealed class GlobalAvgPoolUnit(string name, Activation activation) : Module<Tensor, Tensor>(name)
{
    public override Tensor forward(Tensor input) => LayerUnits.Activate(input.mean([2, 3]), activation);
}

internal sealed class LastRowUnit(string name, Activation activation) : Module<Tensor, Tensor>(name)
{
    public override Tensor forward(Tensor input) => LayerUnits.Activate(LastRow(input), activation);

    public static Tensor LastRow(Tensor map) => map.narrow(2, map.shape[2] - 1, 1);
}

/// <summary>Nearest-neighbour upsampling: each value is repeated scale x scale times.</summary>
internal sealed class UpsampleUnit(LayerSpec layer) : Module<Tensor, Tensor>(layer.Name)
{
    private readonly double _scale = layer.Scale!.Value;
    private readonly Activation _activation = layer.Activation;

    public override Tensor forward(Tensor input) =>
        LayerUnits.Activate(F.interpolate(input, scale_factor: [_scale, _scale], mode: InterpolationMode.Nearest), _activation);
}

/// <summary>Layer norm over the channels at each position (ConvNeXt's), with a learned scale and shift per channel.</summary>
internal sealed class LayerNormUnit : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly double _epsilon;
    private readonly Activation _activation;

    public LayerNormUnit(LayerSpec layer, LayerSummary shape) : base(layer.Name)
    {
        weight = nn.Parameter(ones(shape.OutChannels));
        bias = nn.Parameter(zeros(shape.OutChannels));
        _epsilon = layer.EffectiveEpsilon;
        _activation = layer.Activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => LayerUnits.Activate(Normalise(input, weight, bias, _epsilon), _activation);

    /// <summary>Normalises over the channels (dimension 1) at each position, then scales and shifts each channel.</summary>
    public static Tensor Normalise(Tensor input, Tensor weight, Tensor bias, double epsilon)
    {
        if (input.dim() == 2) return F.layer_norm(input, [input.shape[1]], weight, bias, epsilon);
        var centred = input - input.mean([1], keepdim: true);
        var normalised = centred / (centred.square().mean([1], keepdim: true) + epsilon).sqrt();
        return normalised * weight.reshape(1, -1, 1, 1) + bias.reshape(1, -1, 1, 1);
    }
}

/// <summary>A layer whose input and weights can be fake-quantized.</summary>
internal interface IQuantizable
{
    LayerQuantization? Quantization { get; set; }
}
