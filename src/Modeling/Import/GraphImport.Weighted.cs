using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Import;

/// <summary>The nodes that become layers with weights: Conv, BatchNormalization, Gemm, MatMul.</summary>
internal sealed partial class GraphImport
{
    private void Conv()
    {
        var weight = Const(1, "weights");
        if (weight.Dims.Length != 4 || weight.Dims[2] != weight.Dims[3]) Refuse("only square 2-D kernels are read");
        int outChannels = (int)weight.Dims[0], perGroup = (int)weight.Dims[1], kernel = (int)weight.Dims[2];
        int stride = Square("strides", 1), padding = Padding(), groups = (int)Int("group", 1);
        if (Ints("dilations").Any(d => d != 1)) Refuse("dilated convolutions are not read");
        if (Text("auto_pad", "NOTSET") != "NOTSET") Refuse("auto_pad is not read; export with explicit pads");
        float[] bias = Optional(2) is { } b ? Const(2, "bias").Data : new float[outChannels];
        var x = In(0);
        if (x is Padded padded)
        {
            padding += padded.Padding;
            x = padded.Source;
        }
        var source = Layer(x, _node.Input[0], "its input");
        string name = NewName();
        if (source.Shape.Flat) // a 1x1 conv on a pooled vector (squeeze-and-excitation) is a linear layer
        {
            if (kernel != 1 || padding != 0 || groups != 1) Refuse("a conv on a 1x1 map must have a 1x1 kernel, no padding and one group");
            if (perGroup != source.Shape.Channels) Refuse($"its weights expect {perGroup} input channels, its input has {source.Shape.Channels}");
            AddLayer(new LayerSpec { Name = name, Op = LayerOp.Linear, Out = outChannels, Inputs = Inputs(source) },
                ("fc.weight", new WeightTensor(weight.Data, [outChannels, perGroup])), ("fc.bias", new WeightTensor(bias, [outChannels])));
            return;
        }
        if (perGroup * groups != source.Shape.Channels) Refuse($"its weights expect {perGroup * groups} input channels, its input has {source.Shape.Channels}");
        if (padding >= kernel) Refuse($"padding {padding} is not smaller than the {kernel}x{kernel} kernel");
        bool depthwise = groups > 1 && groups == source.Shape.Channels && outChannels == groups;
        AddLayer(new LayerSpec
        {
            Name = name, Op = depthwise ? LayerOp.DepthwiseConv : LayerOp.Conv, Out = depthwise ? null : outChannels,
            Groups = depthwise || groups == 1 ? null : groups, Kernel = kernel, Stride = stride,
            Padding = padding == kernel / 2 ? null : padding, Inputs = Inputs(source),
        }, ("conv.weight", new WeightTensor(weight.Data, weight.Dims)), ("conv.bias", new WeightTensor(bias, [outChannels])));
    }

    private void BatchNorm()
    {
        var (scale, shift, mean, variance) = (Const(1, "scale").Data, Const(2, "bias").Data, Const(3, "mean").Data, Const(4, "variance").Data);
        double epsilon = Float("epsilon", 1e-5f);
        var factor = scale.Select((g, c) => (float)(g / Math.Sqrt(variance[c] + epsilon))).ToArray();
        var x = In(0);
        if (x is LayerOutput { Layer: { } name } producer && _readers[producer.Tensor] == 1)
        {
            int index = IndexOf(name);
            var layer = _layers[index];
            if (layer.Op is LayerOp.Conv or LayerOp.DepthwiseConv && !layer.BatchNorm && layer.Activation == Activation.None)
            {
                var bias = _weights[$"{name}.conv.bias"].Data;
                // Kept as batch norm with the conv's bias moved into the mean and the epsilon into the variance (TorchSharp's is 1e-5).
                var keptVariance = variance.Select(v => (float)(v + epsilon - 1e-5)).ToArray();
                if (keptVariance.All(v => v > 0))
                {
                    _layers[index] = layer with { BatchNorm = true };
                    _weights.Remove($"{name}.conv.bias");
                    long[] dims = [scale.Length];
                    _weights[$"{name}.bn.weight"] = new WeightTensor(scale, dims);
                    _weights[$"{name}.bn.bias"] = new WeightTensor(shift, dims);
                    _weights[$"{name}.bn.running_mean"] = new WeightTensor([.. mean.Select((m, c) => m - bias[c])], dims);
                    _weights[$"{name}.bn.running_var"] = new WeightTensor(keptVariance, dims);
                }
                else
                {
                    ScaleRows(name, "conv", factor, [.. shift.Select((s, c) => s + (bias[c] - mean[c]) * factor[c])]);
                    _notes.Add($"batch norm '{_node.Name}' folded into '{name}'");
                }
                Set(producer with { Tensor = _node.Output[0] });
                return;
            }
            if (layer.Op == LayerOp.Linear && layer.Activation == Activation.None)
            {
                var bias = _weights[$"{name}.fc.bias"].Data;
                ScaleRows(name, "fc", factor, [.. shift.Select((s, c) => s + (bias[c] - mean[c]) * factor[c])]);
                _notes.Add($"batch norm '{_node.Name}' folded into '{name}'");
                Set(producer with { Tensor = _node.Output[0] });
                return;
            }
        }
        var source = Layer(x, _node.Input[0], "its input");
        if (source.Shape.Flat) Refuse("a batch norm on a vector must follow a linear layer that nothing else reads");
        // Anywhere else it is a per-channel scale and shift: a 1x1 depthwise conv.
        int channels = source.Shape.Channels;
        AddLayer(new LayerSpec { Name = NewName(), Op = LayerOp.DepthwiseConv, Kernel = 1, Padding = 0, Inputs = Inputs(source) },
            ("conv.weight", new WeightTensor(factor, [channels, 1, 1, 1])),
            ("conv.bias", new WeightTensor([.. shift.Select((s, c) => s - mean[c] * factor[c])], [channels])));
    }

    private void ScaleRows(string layer, string module, float[] factor, float[] bias)
    {
        var weight = _weights[$"{layer}.{module}.weight"];
        long row = weight.Data.Length / factor.Length;
        _weights[$"{layer}.{module}.weight"] = weight with { Data = [.. weight.Data.Select((w, i) => w * factor[i / row])] };
        _weights[$"{layer}.{module}.bias"] = new WeightTensor(bias, [factor.Length]);
    }

    private void Gemm()
    {
        if (Int("transA", 0) != 0) Refuse("a transposed input (transA) is not read");
        if (Float("alpha", 1f) != 1f || Float("beta", 1f) != 1f) Refuse("alpha and beta other than 1 are not read");
        var weight = Const(1, "weights");
        if (weight.Dims.Length != 2) Refuse("its weights are not a matrix");
        bool transposed = Int("transB", 0) != 0;
        int outFeatures = (int)(transposed ? weight.Dims[0] : weight.Dims[1]), inFeatures = (int)(transposed ? weight.Dims[1] : weight.Dims[0]);
        float[] rows = transposed ? weight.Data : Transpose(weight.Data, inFeatures, outFeatures);
        float[] bias = Optional(2) is not null ? Const(2, "bias").Data : new float[outFeatures];
        if (bias.Length != outFeatures) Refuse($"its bias has {bias.Length} values for {outFeatures} outputs");
        AddLinear(Vector(0), rows, inFeatures, outFeatures, bias);
    }

    private void MatMul()
    {
        var weight = Const(1, "weights");
        if (weight.Dims.Length != 2) Refuse("only a vector times a constant matrix is read");
        int inFeatures = (int)weight.Dims[0], outFeatures = (int)weight.Dims[1];
        Set(new MatMulOutput(Vector(0), Transpose(weight.Data, inFeatures, outFeatures), inFeatures, outFeatures, NewName()));
    }

    private void AddLinear(LayerOutput source, float[] rows, int inFeatures, int outFeatures, float[] bias, string? name = null)
    {
        if (source.Shape.Elements != inFeatures) Refuse($"its weights expect {inFeatures} inputs, its input has {source.Shape.Elements}");
        AddLayer(new LayerSpec { Name = name ?? NewName(), Op = LayerOp.Linear, Out = outFeatures, Inputs = Inputs(source) },
            ("fc.weight", new WeightTensor(rows, [outFeatures, inFeatures])), ("fc.bias", new WeightTensor(bias, [outFeatures])));
    }

    // The input of a linear layer: a vector, or a map that was flattened (the linear layer flattens it the same way).
    private LayerOutput Vector(int input)
    {
        var x = In(input);
        var source = x is Flattened flat ? flat.Source : Layer(x, _node.Input[input], "its input");
        if (!source.Shape.Flat && x is not Flattened) Refuse($"it reads a {source.Shape} map that was not flattened");
        return source;
    }

    private static float[] Transpose(float[] data, int rows, int columns)
    {
        var result = new float[data.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) result[c * rows + r] = data[r * columns + c];
        return result;
    }
}
