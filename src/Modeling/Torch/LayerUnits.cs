using AutoDesign.Modeling.Quantization;
using AutoDesign.Modeling.Specs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Torch;

/// <summary>The TorchSharp module for one layer with weights or a window; joins (add) need none.</summary>
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
        LayerOp.GlobalAvgPool => new GlobalAvgPoolUnit(layer.Name),
        _ => null,
    };

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

    public override Tensor forward(Tensor input) => max
        ? F.max_pool2d(input, _kernel, _stride, _padding)
        : F.avg_pool2d(input, _kernel, _stride, _padding);
}

internal sealed class GlobalAvgPoolUnit(string name) : Module<Tensor, Tensor>(name)
{
    public override Tensor forward(Tensor input) => input.mean([2, 3]);
}

/// <summary>A layer whose input and weights can be fake-quantized.</summary>
internal interface IQuantizable
{
    LayerQuantization? Quantization { get; set; }
}
