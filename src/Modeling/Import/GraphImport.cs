using System.Text.RegularExpressions;
using AutoDesign.Modeling.Specs;
using Onnx;

namespace AutoDesign.Modeling.Import;

/// <summary>One walk over an ONNX graph's nodes (in their topological order), building the spec's layers.</summary>
internal sealed partial class GraphImport
{
    private readonly GraphProto _graph;
    private readonly int _opset;
    private readonly string _name;
    private readonly Dictionary<string, GraphValue> _values = [];
    private readonly Dictionary<string, int> _readers = []; // how many node inputs (and graph outputs) read each tensor
    private readonly List<LayerSpec> _layers = [];
    private readonly Dictionary<string, TensorShape> _shapes = [];
    private readonly Dictionary<string, WeightTensor> _weights = [];
    private readonly List<string> _notes = [];
    private TensorShape _inputShape;
    private bool _endsWithSoftmax;
    private NodeProto _node = new();

    public GraphImport(GraphProto graph, int opset, string name)
    {
        _graph = graph;
        _opset = opset;
        _name = name;
    }

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NotAlphanumeric();

    public ImportedModel Run()
    {
        var initializers = _graph.Initializer.Select(t => t.Name).ToHashSet();
        foreach (var tensor in _graph.Initializer) _values[tensor.Name] = ConstantOf(tensor);
        var inputs = _graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1) throw new OnnxImportException(null, null, $"the graph has {inputs.Count} inputs; an image classifier takes one batch of images");
        var input = inputs[0];
        _inputShape = InputShape(input);
        _values[input.Name] = new LayerOutput(null, _inputShape, input.Name);
        if (_graph.Output.Count != 1)
            throw new OnnxImportException(null, null, $"the graph has {_graph.Output.Count} outputs; an image classifier has one, its class scores");
        foreach (var node in _graph.Node)
            foreach (var name in node.Input.Where(n => n.Length > 0)) _readers[name] = _readers.GetValueOrDefault(name) + 1;
        string output = _graph.Output[0].Name;
        _readers[output] = _readers.GetValueOrDefault(output) + 1;

        foreach (var node in _graph.Node)
        {
            _node = node;
            if (node.Domain is not ("" or "ai.onnx")) Refuse($"operators of domain '{node.Domain}' are not read");
            foreach (var name in node.Input.Where(n => n.Length > 0))
                if (!_values.ContainsKey(name)) Refuse($"it reads '{name}', which no earlier node or initializer makes");
            Import(node);
        }

        _node = new NodeProto();
        if (!_values.TryGetValue(output, out var last)) throw new OnnxImportException(null, null, $"no node makes the graph's output '{output}'");
        var scores = Layer(last, output, "the graph's output");
        if (scores.Layer is null || !scores.Shape.Flat)
            throw new OnnxImportException(null, null, $"the graph's output is a {scores.Shape} map, not one score per class");
        if (_layers[^1].Name != scores.Layer)
            throw new OnnxImportException(null, null, "the graph computes layers that do not lead to its output");
        var spec = new ModelSpec
        {
            Name = _name, Input = new InputSpec(_inputShape.Channels, _inputShape.Height, _inputShape.Width), Classes = scores.Shape.Channels, Layers = _layers,
        };
        try
        {
            spec.Analyze();
        }
        catch (ModelSpecException e)
        {
            throw new OnnxImportException(null, null, $"the imported network is not a valid spec: {e.Message}");
        }
        return new ImportedModel(spec, _weights, _opset, _endsWithSoftmax, _notes);
    }

    private static TensorShape InputShape(ValueInfoProto input)
    {
        var type = input.Type?.TensorType;
        if (type is null || type.ElemType != 1) throw new OnnxImportException(null, null, $"input '{input.Name}' is not a float tensor");
        var dims = type.Shape?.Dim;
        if (dims is null || dims.Count != 4)
            throw new OnnxImportException(null, null, $"input '{input.Name}' has {dims?.Count ?? 0} dimensions; images are (batch, channels, height, width)");
        string[] what = ["batch", "channels", "height", "width"];
        for (int k = 1; k < 4; k++)
            if (dims[k].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || dims[k].DimValue < 1)
                throw new OnnxImportException(null, null, $"input '{input.Name}' has a dynamic {what[k]}; export the model with a fixed image size");
        return new TensorShape((int)dims[1].DimValue, (int)dims[2].DimValue, (int)dims[3].DimValue);
    }

    private void Import(NodeProto node)
    {
        switch (node.OpType)
        {
            case "Conv": Conv(); break;
            case "BatchNormalization": BatchNorm(); break;
            case "Gemm": Gemm(); break;
            case "MatMul": MatMul(); break;
            case "Relu": Activate(Activation.Relu); break;
            case "Sigmoid": Activate(Activation.Sigmoid); break;
            case "HardSwish": Activate(Activation.HardSwish); break;
            case "HardSigmoid": HardSigmoid(); break;
            case "Clip": Clip(); break;
            case "Gelu": Activate(Text("approximate", "none") == "tanh" ? Activation.GeluTanh : Activation.Gelu); break;
            case "Mul": Mul(); break;
            case "Div": Div(); break;
            case "Erf": Erf(); break;
            case "Tanh": Tanh(); break;
            case "Add": Add(); break;
            case "Concat": Concat(); break;
            case "MaxPool" or "AveragePool": Pool(); break;
            case "GlobalAveragePool": GlobalAveragePool(Layer(In(0), node.Input[0], "its input")); break;
            case "ReduceMean": ReduceMean(); break;
            case "Flatten": Flatten(); break;
            case "Reshape": Reshape(); break;
            case "Pad": Pad(); break;
            case "Resize" or "Upsample": Resize(); break;
            case "Dropout" or "Identity": Set(In(0)); break;
            case "Softmax": Softmax(); break;
            case "Constant": Set(ConstantNode()); break;
            case "Shape": Set(new ShapeNumbers()); break;
            case "Gather" or "Unsqueeze" or "Squeeze" or "Cast" or "Slice" when In(0) is ShapeNumbers: Set(new ShapeNumbers()); break;
            case "Unsqueeze" or "Squeeze": SpatialAxes(); break;
            default: Refuse("this operator is not one the importer reads (see the README's list)"); break;
        }
    }

    // --- layers with weights

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

    // --- activations and the patterns made of elementary operators

    private void Activate(Activation activation) => Set(new Activated(Layer(In(0), _node.Input[0], "its input"), activation, 1));

    private void HardSigmoid()
    {
        if (Math.Abs(Float("alpha", 0.2f) - 1f / 6) > 1e-6 || Math.Abs(Float("beta", 0.5f) - 0.5f) > 1e-6)
            Refuse("only PyTorch's hard sigmoid (alpha 1/6, beta 0.5) is read");
        Activate(Activation.HardSigmoid);
    }

    private void Clip()
    {
        float? min = _opset >= 11 ? (Optional(1) is not null ? Const(1, "min").Data[0] : null) : Float("min", float.MinValue);
        float? max = _opset >= 11 ? (Optional(2) is not null ? Const(2, "max").Data[0] : null) : Float("max", float.MaxValue);
        if (min == 0 && max == 6) Activate(Activation.Relu6);
        else if (min == 0 && max is null or float.MaxValue) Activate(Activation.Relu);
        else Refuse("only Clip(0, 6) (ReLU6) and Clip(0) (ReLU) are read");
    }

    private void Mul()
    {
        var (a, b) = (In(0), In(1));
        for (int turn = 0; turn < 2; turn++, (a, b) = (b, a))
        {
            switch (a, b)
            {
                case (LayerOutput x, Activated { Activation: Activation.Sigmoid or Activation.HardSigmoid } gate) when gate.Source.Tensor == x.Tensor:
                    Set(new Activated(gate.Source, gate.Activation == Activation.Sigmoid ? Activation.Silu : Activation.HardSwish, gate.Uses + 1));
                    return;
                case (LayerOutput x, LayerOutput y) when turn == 0 && x.Tensor == y.Tensor:
                    Set(new GeluStep(x, Tanh: true, 1));
                    return;
                case (LayerOutput x, GeluStep { Tanh: true, Step: 1 } square) when square.Source.Tensor == x.Tensor:
                    Set(square with { Step = 2 });
                    return;
                case (GeluStep { Tanh: true, Step: 2 } cube, Constant { IsScalar: true } c) when Near(c, 0.044715f):
                    Set(cube with { Step = 3 });
                    return;
                case (GeluStep { Tanh: true, Step: 4 } sum, Constant { IsScalar: true } k) when Near(k, MathF.Sqrt(2 / MathF.PI)):
                    Set(sum with { Step = 5 });
                    return;
                case (LayerOutput x, GeluStep { Step: var n } step) when step.Source.Tensor == x.Tensor && n == (step.Tanh ? 7 : 3):
                    Set(step with { Step = n + 1 });
                    return;
                case (GeluStep { Last: true } step, Constant { IsScalar: true } half) when Near(half, 0.5f):
                    Set(new Activated(step.Source, step.Tanh ? Activation.GeluTanh : Activation.Gelu, step.Uses));
                    return;
            }
        }
        if (a is Constant || b is Constant) Refuse("a product with a constant is read only as part of GELU");
        var first = Layer(a, _node.Input[0], "its first input");
        var second = Layer(b, _node.Input[1], "its second input");
        // The map is the larger operand; a gate of one value per channel is broadcast over it.
        var (map, factor) = second.Shape.Elements > first.Shape.Elements ? (second, first) : (first, second);
        AddLayer(new LayerSpec { Name = NewName(), Op = LayerOp.Mul, Inputs = [.. Inputs(map), .. Inputs(factor)] });
    }

    private static bool Near(Constant constant, float value) => Math.Abs(constant.Data[0] - value) <= 1e-5f * Math.Max(1, Math.Abs(value));

    private void Div()
    {
        if (In(0) is LayerOutput x && In(1) is Constant { IsScalar: true } c && Near(c, MathF.Sqrt(2))) Set(new GeluStep(x, Tanh: false, 1));
        else Refuse("a division is read only as part of GELU (x / sqrt 2)");
    }

    private void Erf()
    {
        if (In(0) is GeluStep { Tanh: false, Step: 1 } step) Set(step with { Step = 2 });
        else Refuse("Erf is read only as part of GELU");
    }

    private void Tanh()
    {
        if (In(0) is GeluStep { Tanh: true, Step: 5 } step) Set(step with { Step = 6 });
        else Refuse("Tanh is read only as part of GELU's tanh approximation");
    }

    private void Add()
    {
        var (a, b) = (In(0), In(1));
        for (int turn = 0; turn < 2; turn++, (a, b) = (b, a))
        {
            switch (a, b)
            {
                case (GeluStep { Step: var n } step, Constant { IsScalar: true } one) when n == (step.Tanh ? 6 : 2) && Near(one, 1f):
                    Set(step with { Step = n + 1 });
                    return;
                case (LayerOutput x, GeluStep { Tanh: true, Step: 3 } step) when step.Source.Tensor == x.Tensor:
                    Set(step with { Step = 4 });
                    return;
                case (MatMulOutput product, Constant bias) when bias.Data.Length == product.Out:
                    AddLinear(product.Source, product.Weight, product.In, product.Out, bias.Data, product.Node);
                    return;
            }
        }
        if (a is Constant || b is Constant) Refuse("adding a constant is read only as a linear layer's bias or part of GELU");
        var first = Layer(a, _node.Input[0], "its first input");
        var second = Layer(b, _node.Input[1], "its second input");
        AddLayer(new LayerSpec { Name = NewName(), Op = LayerOp.Add, Inputs = [.. Inputs(first), .. Inputs(second)] });
    }

    private void Softmax()
    {
        if (!_graph.Output.Any(o => o.Name == _node.Output[0])) Refuse("a softmax is read only as the graph's last node");
        _endsWithSoftmax = true;
        _notes.Add("the final softmax is left out: the network gives class scores");
        Set(In(0));
    }

    // --- layers without weights

    private void Concat()
    {
        if (_node.Input.Any(n => _values[n] is ShapeNumbers || _values[n] is Constant))
        {
            Set(new ShapeNumbers());
            return;
        }
        long axis = Int("axis", 1);
        if (axis is not (1 or -3)) Refuse($"a concat along axis {axis} is not read; only channels (axis 1) are");
        var sources = _node.Input.Select((n, k) => Layer(_values[n], n, $"input {k}")).ToList();
        AddLayer(new LayerSpec { Name = NewName(), Op = LayerOp.Concat, Inputs = [.. sources.SelectMany(Inputs)] });
    }

    private void Pool()
    {
        bool max = _node.OpType == "MaxPool";
        var kernel = Ints("kernel_shape");
        if (kernel.Length != 2 || kernel[0] != kernel[1]) Refuse("only square 2-D windows are read");
        if (Int("ceil_mode", 0) != 0) Refuse("ceil_mode is not read");
        if (Ints("dilations").Any(d => d != 1)) Refuse("dilated pooling is not read");
        if (Text("auto_pad", "NOTSET") != "NOTSET") Refuse("auto_pad is not read; export with explicit pads");
        int padding = Padding(), stride = Square("strides", 1);
        var x = In(0);
        if (x is Padded padded)
        {
            if (max) Refuse("zero padding before a max pool is not read");
            padding += padded.Padding;
            x = padded.Source;
        }
        else if (!max && padding > 0 && Int("count_include_pad", 0) == 0)
            Refuse("an average pool that leaves its padding out of the mean (count_include_pad = 0) is not read");
        if (padding > kernel[0] / 2) Refuse($"padding {padding} is more than half the {kernel[0]}x{kernel[0]} window");
        var source = Layer(x, _node.Input[0], "its input");
        AddLayer(new LayerSpec
        {
            Name = NewName(), Op = max ? LayerOp.MaxPool : LayerOp.AvgPool, Kernel = (int)kernel[0], Stride = stride, Padding = padding,
            Inputs = Inputs(source),
        });
    }

    private void GlobalAveragePool(LayerOutput source)
    {
        if (source.Shape.Flat) Refuse("it pools a vector");
        AddLayer(new LayerSpec { Name = NewName(), Op = LayerOp.GlobalAvgPool, Inputs = Inputs(source) });
    }

    private void ReduceMean()
    {
        long[] axes = _opset >= 18 && Optional(1) is not null ? [.. Const(1, "axes").Data.Select(v => (long)v)] : Ints("axes");
        if (!axes.Order().SequenceEqual([2, 3]) && !axes.Order().SequenceEqual([-2, -1])) Refuse("a mean is read only over height and width");
        GlobalAveragePool(Layer(In(0), _node.Input[0], "its input"));
    }

    // A vector is a 1x1 map: adding or removing its height and width changes nothing.
    private void SpatialAxes()
    {
        long[] axes = _opset >= 13 && Optional(1) is not null ? [.. Const(1, "axes").Data.Select(v => (long)v)] : Ints("axes");
        var source = Layer(In(0), _node.Input[0], "its input");
        if (!source.Shape.Flat || axes.Length == 0 || axes.Any(a => a is not (2 or 3 or -1 or -2)))
            Refuse("only adding or removing the 1x1 height and width of a vector is read");
        Set(source with { Tensor = _node.Output[0] });
    }

    private void Flatten()
    {
        if (Int("axis", 1) != 1) Refuse("only a flatten from axis 1 is read");
        var source = Layer(In(0), _node.Input[0], "its input");
        Set(source.Shape.Flat ? source with { Tensor = _node.Output[0] } : new Flattened(source));
    }

    private void Reshape()
    {
        var source = Layer(In(0), _node.Input[0], "its input");
        if (In(1) is Constant shape)
        {
            long second = shape.Data.Length == 2 ? (long)shape.Data[1] : 0;
            if (shape.Data.Length != 2 || (second != -1 && second != source.Shape.Elements))
                Refuse($"a reshape to [{string.Join(",", shape.Data)}] is not read; only a flatten before the classifier is");
        }
        else if (In(1) is not ShapeNumbers) Refuse("a reshape to a computed shape is not read");
        Set(source.Shape.Flat ? source with { Tensor = _node.Output[0] } : new Flattened(source));
    }

    private void Pad()
    {
        if (Text("mode", "constant") != "constant") Refuse("only zero padding is read");
        long[] pads = _opset >= 11 ? [.. Const(1, "pads").Data.Select(v => (long)v)] : Ints("pads");
        float value = _opset >= 11 ? (Optional(2) is not null ? Const(2, "value").Data[0] : 0f) : Float("value", 0f);
        if (value != 0f) Refuse("only zero padding is read");
        if (pads.Length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || pads.Skip(2).Where((_, i) => i is 0 or 1 or 4 or 5).Distinct().Count() != 1)
            Refuse("only the same padding on every side of height and width is read");
        Set(new Padded(Layer(In(0), _node.Input[0], "its input"), (int)pads[2]));
    }

    private void Resize()
    {
        if (Text("mode", "nearest") != "nearest") Refuse("only nearest-neighbour resizing is read");
        string mapping = Text("coordinate_transformation_mode", _node.OpType == "Upsample" ? "asymmetric" : "half_pixel");
        string rounding = Text("nearest_mode", "round_prefer_floor");
        // At an integer scale, half-pixel centres round to floor(x / scale) whatever the rounding; asymmetric needs floor.
        bool exact = mapping is "half_pixel" or "pytorch_half_pixel" || mapping == "asymmetric" && (rounding == "floor" || _node.OpType == "Upsample");
        if (!exact) Refuse($"nearest resizing with {mapping} coordinates and {rounding} rounding is not read");
        var source = Layer(In(0), _node.Input[0], "its input");
        if (source.Shape.Flat) Refuse("it resizes a vector");
        int scalesInput = _node.OpType == "Upsample" ? 1 : 2;
        double[] scales;
        if (Optional(scalesInput) is not null && _values[_node.Input[scalesInput]] is Constant { Data.Length: 4 } s) scales = [.. s.Data.Select(v => (double)v)];
        else if (Optional(3) is not null && _values[_node.Input[3]] is Constant { Data.Length: 4 } sizes)
            scales = [1, 1, sizes.Data[2] / source.Shape.Height, sizes.Data[3] / source.Shape.Width];
        else { Refuse("its scales or sizes are not constant"); return; }
        if (scales[0] != 1 || scales[1] != 1 || scales[2] != scales[3] || scales[2] < 1 || scales[2] != Math.Floor(scales[2]))
            Refuse($"only the same integer scale for height and width is read, got [{string.Join(",", scales)}]");
        AddLayer(new LayerSpec { Name = NewName(), Op = LayerOp.Upsample, Scale = (int)scales[2], Inputs = Inputs(source) });
    }

    // --- values

    private GraphValue In(int index) => _values[_node.Input[index]];

    private string? Optional(int index) => index < _node.Input.Count && _node.Input[index].Length > 0 ? _node.Input[index] : null;

    private void Set(GraphValue value) => _values[_node.Output[0]] = value;

    private Constant Const(int index, string what)
    {
        if (Optional(index) is null || _values[_node.Input[index]] is not Constant constant) { Refuse($"its {what} are not constant"); return null!; }
        return constant;
    }

    private Constant ConstantNode()
    {
        var attribute = _node.Attribute.FirstOrDefault(a => a.Name is "value" or "value_float" or "value_floats" or "value_int" or "value_ints");
        return attribute?.Name switch
        {
            "value" => ConstantOf(attribute.T),
            "value_float" => new Constant([attribute.F], []),
            "value_floats" => new Constant([.. attribute.Floats], [attribute.Floats.Count]),
            "value_int" => new Constant([attribute.I], []),
            "value_ints" => new Constant([.. attribute.Ints.Select(v => (float)v)], [attribute.Ints.Count]),
            _ => Fail(),
        };
        Constant Fail() { Refuse("only numeric constants are read"); return null!; }
    }

    private Constant ConstantOf(TensorProto tensor)
    {
        if (!OnnxTensors.IsNumeric(tensor)) Refuse($"tensor '{tensor.Name}' does not hold numbers the importer reads");
        try
        {
            var data = OnnxTensors.Floats(tensor);
            var dims = OnnxTensors.Dims(tensor);
            if (data.Length != OnnxTensors.Elements(dims)) throw new FormatException($"tensor '{tensor.Name}' has {data.Length} values for its shape");
            return new Constant(data, dims);
        }
        catch (FormatException e)
        {
            throw new OnnxImportException(_node.Name.Length > 0 ? _node.Name : null, _node.OpType.Length > 0 ? _node.OpType : null, e.Message);
        }
    }

    /// <summary>The layer output a value stands for, attaching a pending activation to its layer where nothing else reads the layer.</summary>
    private LayerOutput Layer(GraphValue value, string tensor, string what)
    {
        switch (value)
        {
            case LayerOutput output:
                return output;
            case Activated pending:
            {
                var source = pending.Source;
                LayerOutput result;
                if (source.Layer is { } name && _readers[source.Tensor] == pending.Uses && _layers[IndexOf(name)].Activation == Activation.None)
                {
                    _layers[IndexOf(name)] = _layers[IndexOf(name)] with { Activation = pending.Activation };
                    result = source with { Tensor = tensor };
                }
                else
                {
                    // The pre-activation value is read elsewhere too: the activation becomes a layer of its own (a 1x1 max pool is the identity).
                    string layer = Unique($"{source.Layer ?? "input"}_{pending.Activation.ToString().ToLowerInvariant()}");
                    _layers.Add(new LayerSpec { Name = layer, Op = LayerOp.MaxPool, Kernel = 1, Padding = 0, Activation = pending.Activation, Inputs = Inputs(source) });
                    _shapes[layer] = source.Shape;
                    result = new LayerOutput(layer, source.Shape, tensor);
                }
                _values[tensor] = result;
                return result;
            }
            case MatMulOutput product:
            {
                AddLinear(product.Source, product.Weight, product.In, product.Out, new float[product.Out], product.Node);
                return (LayerOutput)(_values[tensor] = new LayerOutput(product.Node, TensorShape.Vector(product.Out), tensor));
            }
            case Flattened:
                Refuse($"{what} is a flattened map, which only a linear layer reads");
                break;
            case Padded:
                Refuse($"{what} is padded, which only a conv or an average pool absorbs");
                break;
            case GeluStep:
                Refuse($"{what} is part of a GELU pattern that does not complete");
                break;
            default:
                Refuse($"{what} is a constant or a shape where a feature map is expected");
                break;
        }
        return null!;
    }

    private static IReadOnlyList<string> Inputs(LayerOutput source) => source.Layer is null ? [] : [source.Layer];

    private void AddLayer(LayerSpec layer, params (string Key, WeightTensor Value)[] weights)
    {
        var inputs = layer.Inputs is { Count: > 0 } names ? names.Select(n => _shapes[n]).ToList() : [_inputShape];
        LayerSummary summary;
        try
        {
            summary = ModelAnalyzer.Summarize(layer, inputs, layer.Name);
        }
        catch (ModelSpecException e)
        {
            Refuse(e.Reason);
            return;
        }
        _layers.Add(layer);
        _shapes[layer.Name] = summary.OutputShape;
        foreach (var (key, value) in weights) _weights[$"{layer.Name}.{key}"] = value;
        Set(new LayerOutput(layer.Name, summary.OutputShape, _node.Output[0]));
    }

    private int IndexOf(string layer) => _layers.FindIndex(l => l.Name == layer);

    // A layer name from the node's name: PyTorch's "/stem/stem.0/Conv" (module path, then op) becomes "stem_0",
    // "/se/squeeze/Conv" "se_squeeze", "/Add" "add"; other names are kept with their punctuation replaced.
    private string NewName()
    {
        var segments = _node.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string name = segments.Length == 0 ? _node.OpType
            : _node.Name.StartsWith('/') && segments.Length == 1 ? segments[0]
            : _node.Name.StartsWith('/') ? string.Join("_", segments[..^1].Where((s, i) => i + 1 >= segments.Length - 1 || !segments[i + 1].StartsWith(s + ".", StringComparison.Ordinal)))
            : _node.Name;
        name = NotAlphanumeric().Replace(name, "_").Trim('_');
        if (name.Length == 0) name = _node.OpType;
        if (_node.Name.StartsWith('/') && segments.Length == 1) name = name.ToLowerInvariant();
        if (!char.IsAsciiLetter(name[0])) name = "n" + name;
        if (name.Length > 60) name = "n_" + name[^58..].TrimStart('_');
        return Unique(name);
    }

    private string Unique(string name)
    {
        string candidate = name;
        for (int k = 2; _shapes.ContainsKey(candidate); k++) candidate = $"{name}_{k}";
        _shapes[candidate] = default; // reserved until the layer is added
        return candidate;
    }

    // --- attributes

    private AttributeProto? Attribute(string name) => _node.Attribute.FirstOrDefault(a => a.Name == name);

    private long Int(string name, long fallback) => Attribute(name) is { } a ? a.I : fallback;

    private float Float(string name, float fallback) => Attribute(name) is { } a ? a.F : fallback;

    private string Text(string name, string fallback) => Attribute(name) is { } a ? a.S.ToStringUtf8() : fallback;

    private long[] Ints(string name) => Attribute(name) is { } a ? [.. a.Ints] : [];

    private int Square(string name, int fallback)
    {
        var values = Ints(name);
        if (values.Length == 0) return fallback;
        if (values.Length != 2 || values[0] != values[1]) Refuse($"only the same {name} for height and width are read");
        return (int)values[0];
    }

    private int Padding()
    {
        var pads = Ints("pads");
        if (pads.Length == 0) return 0;
        if (pads.Distinct().Count() != 1) Refuse("only the same padding on every side is read");
        return (int)pads[0];
    }

    private void Refuse(string reason) =>
        throw new OnnxImportException(_node.Name.Length > 0 ? _node.Name : $"#{_graph.Node.IndexOf(_node)}", _node.OpType, reason);
}
